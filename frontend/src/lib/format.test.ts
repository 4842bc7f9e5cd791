import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatNumber, formatRupiah, formatRupiahCompact, parseDecimal, parseRupiah, fromLocalInput } from './format';

// Intl separates "Rp" from the amount with a no-break space; compare with ordinary spaces.
const plain = (s: string) => s.replace(/\u00a0|\u202f/g, ' ');

describe('Rupiah', () => {
  it('is written the Indonesian way in Bahasa Indonesia', () => {
    expect(plain(formatRupiah(650_000_000, 'id'))).toBe('Rp 650.000.000');
    expect(plain(formatRupiah(0, 'id'))).toBe('Rp 0');
    expect(plain(formatRupiah(1_234_567, 'id'))).toBe('Rp 1.234.567');
  });
  it('keeps the Rupiah sign with English digit grouping in English', () => {
    expect(plain(formatRupiah(650_000_000, 'en'))).toBe('Rp 650,000,000');
  });
  it('has no decimals and shows a dash for missing amounts', () => {
    expect(plain(formatRupiah(1999.6, 'id'))).toBe('Rp 2.000');
    expect(formatRupiah(null, 'id')).toBe('—');
    expect(formatRupiah(undefined, 'en')).toBe('—');
  });
  it('has a compact form for charts', () => {
    expect(plain(formatRupiahCompact(2_500_000_000, 'id'))).toBe('Rp 2,5 M');
    expect(plain(formatRupiahCompact(650_000_000, 'id'))).toBe('Rp 650 jt');
    expect(plain(formatRupiahCompact(2_500_000_000, 'en'))).toBe('Rp 2.5bn');
  });
});

describe('numbers', () => {
  it('use the locale’s separators', () => {
    expect(formatNumber(1234.5, 'id')).toBe('1.234,5');
    expect(formatNumber(1234.5, 'en')).toBe('1,234.5');
    expect(formatNumber(null, 'id')).toBe('—');
  });
  it('are read back as typed in either locale', () => {
    expect(parseRupiah('Rp 650.000.000')).toBe(650_000_000);
    expect(parseRupiah('650,000,000')).toBe(650_000_000);
    expect(parseRupiah('650000000')).toBe(650_000_000);
    expect(parseRupiah('')).toBeNull();
    expect(parseRupiah('abc')).toBeNull();
    expect(parseDecimal('-7,6298')).toBe(-7.6298);
    expect(parseDecimal('111.5239')).toBe(111.5239);
    expect(parseDecimal(' ')).toBeNull();
    expect(parseDecimal('dua')).toBeNull();
  });
});

describe('dates', () => {
  const at = '2026-11-23T10:00:00Z'; // 17.00 in Madiun (WIB)
  it('are written in Indonesian in Bahasa Indonesia', () => {
    expect(formatDate(at, 'id', 'Asia/Jakarta')).toBe('23 November 2026');
    expect(plain(formatDateTime(at, 'id', 'Asia/Jakarta'))).toBe('23 Nov 2026, 17.00');
  });
  it('are written in English in English', () => {
    expect(formatDate(at, 'en', 'Asia/Jakarta')).toBe('23 November 2026');
    expect(plain(formatDateTime(at, 'en', 'Asia/Jakarta'))).toBe('23 Nov 2026, 17:00');
  });
  it('tolerate missing or broken values', () => {
    expect(formatDate(null, 'id')).toBe('—');
    expect(formatDateTime('not a date', 'id')).toBe('—');
    expect(fromLocalInput('')).toBeNull();
  });
});
