import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// A fresh copy of lib/i18n.ts per test, as on a page's first load: only Indonesian is in it
// (test-setup.ts loads English into the copy the other tests share).
async function freshI18n() {
  vi.resetModules();
  return import('./i18n');
}

beforeEach(() => localStorage.clear());
afterEach(() => {
  localStorage.clear();
  document.documentElement.lang = '';
});

describe('the language dictionaries', () => {
  it('have Indonesian from the start and English only once it is loaded, never a bare key', async () => {
    const i18n = await freshI18n();
    expect(i18n.localeStore.get()).toBe('id');
    expect(i18n.t('nav.home')).toBe('Beranda');
    // English not loaded yet: Indonesian stands in.
    expect(i18n.t('nav.home', undefined, 'en')).toBe('Beranda');
    await i18n.loadLocale('en');
    expect(i18n.t('nav.home', undefined, 'en')).toBe('Home');
    expect(i18n.localeStore.get()).toBe('id');
  });

  it('show English when it arrives after the switch, and remember the choice', async () => {
    const i18n = await freshI18n();
    i18n.setLocale('en');
    expect(localStorage.getItem('musrenbang.lang')).toBe('en');
    // Still Indonesian while the dictionary is on its way.
    expect(i18n.localeStore.get()).toBe('id');
    expect(i18n.t('nav.home')).toBe('Beranda');
    await i18n.loadLocale('en');
    expect(i18n.localeStore.get()).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(i18n.t('nav.home')).toBe('Home');
    // Loaded once: back and forth is immediate.
    i18n.setLocale('id');
    expect(i18n.localeStore.get()).toBe('id');
    i18n.setLocale('en');
    expect(i18n.localeStore.get()).toBe('en');
  });

  it('keep the later choice when English arrives after the reader went back to Indonesian', async () => {
    const i18n = await freshI18n();
    i18n.setLocale('en');
    i18n.setLocale('id');
    await i18n.loadLocale('en');
    expect(i18n.localeStore.get()).toBe('id');
    expect(localStorage.getItem('musrenbang.lang')).toBe('id');
  });

  it('load the language chosen on an earlier visit before the first render', async () => {
    localStorage.setItem('musrenbang.lang', 'en');
    const i18n = await freshI18n();
    expect(i18n.localeStore.get()).toBe('id');
    await i18n.localeReady();
    expect(i18n.localeStore.get()).toBe('en');
    expect(i18n.intlLocale()).toBe('en-GB');
  });

  it('render in Indonesian at once when that is the choice', async () => {
    const i18n = await freshI18n();
    let settled = false;
    const ready = i18n.localeReady().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(true);
    await ready;
  });
});
