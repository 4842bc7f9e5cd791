// The language switch re-renders the app in place: what someone typed into a form survives it
// (the page used to be keyed by the locale, so a switch remounted it and emptied the form).
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testClient, type Handler } from './lib/testClient';

const ME = { id: 9, name: 'Warga Satu', verification: 'VERIFIED', email: 'warga@contoh.id', phone: null, homeRegion: { id: 400, name: 'RT 01 / RW 01', level: 'RT', parentId: null }, roles: [] };
const FORUM = { id: 7, name: 'Musrenbang Kelurahan Pangongangan', level: 'DESA_KELURAHAN', status: 'SCHEDULED', budgetCeiling: 300_000_000, selectionLimit: 'BUDGET', maxCount: null, tolerancePercent: 5, region: { id: 3, name: 'Pangongangan', level: 'DESA_KELURAHAN' }, agency: null, parentForum: null, cycle: { id: 1, planYear: 2027 } };
const handler: Handler = (name) => {
  if (name === 'Me') return { data: { me: ME } };
  if (name === 'Catalogue') return { data: { sectors: [{ id: 1, code: 'PU', name: 'Pekerjaan Umum' }], agencies: [], activities: [] } };
  if (name === 'Forums') return { data: { forums: { totalCount: 1, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [FORUM] } } };
  if (name === 'Region') return { data: { region: { id: 400, name: 'RT 01 / RW 01', code: 'x', level: 'RT', parentId: null } } };
  if (name === 'ReportCategories') return { data: { reportCategories: [{ id: 4, code: 'PJU', name: 'Lampu penerangan jalan', agencyId: 2, verifyDays: 3, followUpDays: 5, active: true }] } };
  if (name === 'Regions') return { data: { regions: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } } };
  return { data: null };
};
const { client } = testClient(handler);
vi.mock('./lib/graphql', async (original) => ({ ...(await original<typeof import('./lib/graphql')>()), makeClient: () => client }));

const { App } = await import('./app');
const { setLocale } = await import('./lib/i18n');
const { signIn, signOut } = await import('./lib/session');
const { navigate } = await import('./lib/router');

const settle = async () => {
  for (let i = 0; i < 10; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  signIn('tok', ME as never);
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  signOut();
  setLocale('id');
  navigate('/');
});

const field = <T extends HTMLElement>(id: string) => root.querySelector<T>(`#${id}`);
async function type(id: string, value: string) {
  const el = field<HTMLInputElement | HTMLTextAreaElement>(id)!;
  el.value = value;
  await act(() => {
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
const waitFor = async (test: () => boolean) => {
  for (let i = 0; i < 50 && !test(); i++) await settle();
  expect(test()).toBe(true);
};

describe('the language switch', () => {
  it('keeps what was typed into a half-filled proposal form, both ways', async () => {
    navigate('/usulan/baru');
    act(() => render(<App />, root));
    await waitFor(() => !!field('pf-title'));
    expect(root.querySelector('main h1')?.textContent).toBe('Ajukan usulan');
    await type('pf-address', 'Jl. Kenanga 4, RT 01');
    await type('pf-title', 'Perbaikan saluran air');
    await type('pf-problem', 'Saluran tersumbat setiap hujan deras.');
    const button = (lang: string) => root.querySelector<HTMLButtonElement>(`.lang__button[lang="${lang}"]`)!;
    await act(() => button('en').click());
    await waitFor(() => root.querySelector('main h1')?.textContent === 'Submit a proposal');
    expect(field<HTMLInputElement>('pf-address')!.value).toBe('Jl. Kenanga 4, RT 01');
    expect(field<HTMLInputElement>('pf-title')!.value).toBe('Perbaikan saluran air');
    expect(field<HTMLTextAreaElement>('pf-problem')!.value).toBe('Saluran tersumbat setiap hujan deras.');
    await act(() => button('id').click());
    await waitFor(() => root.querySelector('main h1')?.textContent === 'Ajukan usulan');
    expect(field<HTMLInputElement>('pf-title')!.value).toBe('Perbaikan saluran air');
    expect(field<HTMLInputElement>('pf-address')!.value).toBe('Jl. Kenanga 4, RT 01');
  });

  it('keeps a half-filled report, its choices too', async () => {
    navigate('/laporan/baru');
    act(() => render(<App />, root));
    await waitFor(() => !!field('rf-title'));
    await type('rf-title', 'Lampu jalan mati');
    await type('rf-body', 'Tiga lampu di gang mati sejak sebulan.');
    await act(() => field<HTMLInputElement>('rf-privacy-SECRET')!.click());
    const button = (lang: string) => root.querySelector<HTMLButtonElement>(`.lang__button[lang="${lang}"]`)!;
    await act(() => button('en').click());
    await waitFor(() => field('rf-privacy-notes')?.textContent === 'Follow-up notes and disputes on a published report can be read by anyone.');
    expect(field<HTMLInputElement>('rf-title')!.value).toBe('Lampu jalan mati');
    expect(field<HTMLTextAreaElement>('rf-body')!.value).toBe('Tiga lampu di gang mati sejak sebulan.');
    expect(field<HTMLInputElement>('rf-privacy-SECRET')!.checked).toBe(true);
  });
});
