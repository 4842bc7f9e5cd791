import { createStore, storage } from './store';
import { id, type Messages } from './messages/id';

export type Locale = 'id' | 'en';
export type MessageKey = keyof Messages;

const STORAGE_KEY = 'musrenbang.lang';

/**
 * Bahasa Indonesia, the default, is in the first bundle. English is a chunk of its own
 * (messages/en.ts, about 17 kB compressed), fetched the first time it is chosen: at the switch,
 * or on start when it was chosen before. Until it is here the app stays in Indonesian, so no
 * key and no mix of languages ever shows; `localeStore` only ever holds a language whose
 * dictionary is loaded.
 */
const dictionaries: Partial<Record<Locale, Messages>> = { id };
const loaders: Record<Exclude<Locale, 'id'>, () => Promise<Messages>> = {
  en: () => import('./messages/en').then((m) => m.en),
};
const loading: Partial<Record<Locale, Promise<void>>> = {};

/** Fetches a language's dictionary (once; again after a failure). Resolves when it is here. */
export function loadLocale(locale: Locale): Promise<void> {
  if (locale === 'id' || dictionaries[locale]) return Promise.resolve();
  return (loading[locale] ??= loaders[locale]().then(
    (messages) => {
      dictionaries[locale] = messages;
    },
    (error: unknown) => {
      delete loading[locale];
      throw error;
    },
  ));
}

/** The language shown. */
export const localeStore = createStore<Locale>('id');
/** The language last chosen (shown, or still loading). */
let wanted: Locale = 'id';

function show(locale: Locale) {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  localeStore.set(locale);
}

/**
 * Chooses a language and remembers it. A loaded one shows at once; English the first time
 * shows when its dictionary arrives (unless another language was chosen meanwhile). Await
 * `loadLocale(locale)` to know when, or that it failed (offline before the service worker
 * kept it): the app then stays in the language it was in.
 */
export function setLocale(locale: Locale) {
  storage.set(STORAGE_KEY, locale);
  wanted = locale;
  if (locale === 'id' || dictionaries[locale]) {
    show(locale);
    return;
  }
  loadLocale(locale).then(
    () => {
      if (wanted === locale) show(locale);
    },
    () => undefined,
  );
}

// The language chosen on an earlier visit: English starts loading now.
if (storage.get(STORAGE_KEY) === 'en') setLocale('en');

/**
 * Settles when the chosen language is shown, or could not be loaded, or after `timeoutMs`
 * (a language still loading then shows when it arrives). The app waits for it before its
 * first render, so an English reader does not see the page in Indonesian first.
 */
export function localeReady(timeoutMs = 3000): Promise<void> {
  if (localeStore.get() === wanted) return Promise.resolve();
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs));
  return Promise.race([loadLocale(wanted).catch(() => undefined), timeout]);
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

/**
 * Translates a message key into the current (or given) locale; Indonesian for a language not
 * loaded (yet) or a key it lacks.
 */
export function t(key: MessageKey, params?: Params, locale: Locale = localeStore.get()): string {
  return fill(dictionaries[locale]?.[key] ?? id[key] ?? key, params);
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
