import { intlLocale, localeStore, type Locale } from './i18n';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(intlLocale(locale), options);
    cache.set(key, f);
  }
  return f;
}

function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale(locale), options);
    cache.set(key, f);
  }
  return f;
}

const current = () => localeStore.get();

/** "Rp 650.000.000" (id) or "Rp 650,000,000" (en); whole Rupiah, no decimals. */
export function formatRupiah(amount: number | null | undefined, locale: Locale = current()): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return '—';
  return numberFormat(locale, {
    style: 'currency',
    currency: 'IDR',
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: 0,
    maximumFractionDigits: 0,
  }).format(amount);
}

/** "Rp 2,5 M" (id) or "Rp 2.5bn" (en), for chart labels. */
export function formatRupiahCompact(amount: number, locale: Locale = current()): string {
  return numberFormat(locale, {
    style: 'currency',
    currency: 'IDR',
    currencyDisplay: 'narrowSymbol',
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(amount);
}

export function formatNumber(value: number | null | undefined, locale: Locale = current()): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return numberFormat(locale, { maximumFractionDigits: 3 }).format(value);
}

/** Latitude or longitude, to about a metre. */
export function formatCoordinate(value: number, locale: Locale = current()): string {
  return numberFormat(locale, { maximumFractionDigits: 5 }).format(value);
}

export function formatPercent(ratio: number, locale: Locale = current()): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(ratio);
}

/** "23 Nov 2026, 17.00" (id) or "23 Nov 2026, 17:00" (en). */
export function formatDateTime(iso: string | null | undefined, locale: Locale = current(), timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

/** "17.00" (id) or "17:00" (en): the time of day alone. */
export function formatTime(iso: string | null | undefined, locale: Locale = current(), timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return dateFormat(locale, { timeStyle: 'short', timeZone }).format(date);
}

/** "23 November 2026". */
export function formatDate(iso: string | null | undefined, locale: Locale = current(), timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return dateFormat(locale, { dateStyle: 'long', timeZone }).format(date);
}

/** Reads a Rupiah amount as typed: "650.000.000", "Rp 650,000,000" or "650000000". */
export function parseRupiah(text: string): number | null {
  const digits = text.replace(/[^0-9]/g, '');
  if (!digits) return null;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : null;
}

/** A decimal as typed in either locale: "12,5" or "12.5". */
export function parseDecimal(text: string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const value = Number(trimmed.replace(/\s/g, '').replace(',', '.'));
  return Number.isFinite(value) ? value : null;
}

/** For <input type="datetime-local">: the local wall time of an ISO instant. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** From <input type="datetime-local"> back to an ISO instant. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
