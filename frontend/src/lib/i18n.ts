import { createStore, storage } from './store';
import { id, type Messages } from './messages/id';
import { en } from './messages/en';

export type Locale = 'id' | 'en';
export type MessageKey = keyof Messages;

const STORAGE_KEY = 'musrenbang.lang';
const dictionaries: Record<Locale, Messages> = { id, en };

function initialLocale(): Locale {
  return storage.get(STORAGE_KEY) === 'en' ? 'en' : 'id';
}

export const localeStore = createStore<Locale>(initialLocale());

export function setLocale(locale: Locale) {
  storage.set(STORAGE_KEY, locale);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  localeStore.set(locale);
}

/** The Intl locale used for numbers, Rupiah and dates. */
export function intlLocale(locale: Locale = localeStore.get()): string {
  return locale === 'en' ? 'en-GB' : 'id-ID';
}

export type Params = Record<string, string | number>;

function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Translates a message key into the current (or given) locale. */
export function t(key: MessageKey, params?: Params, locale: Locale = localeStore.get()): string {
  return fill(dictionaries[locale][key] ?? id[key] ?? key, params);
}

/** Whether a key exists (for labels of enum values the server may add later). */
export function hasMessage(key: string): key is MessageKey {
  return key in id;
}

/** Label of an enum value, e.g. label('status', 'SUBMITTED') → "Diajukan". Unknown values show as sent. */
export function label(kind: string, value: string | null | undefined, locale: Locale = localeStore.get()): string {
  if (!value) return '—';
  const key = `${kind}.${value}`;
  return hasMessage(key) ? t(key, undefined, locale) : value;
}
