import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ProposalFormPage, { checkProposal } from './ProposalForm';
import { setLocale } from '../lib/i18n';
import { signIn, signOut, type Me } from '../lib/session';
import { testClient, type Handler } from '../lib/testClient';
import { problemTexts } from '../lib/validation';

const plain = (s: string | null | undefined) => (s ?? '').replace(/\u00a0|\u202f/g, ' ');
const settle = async () => {
  for (let i = 0; i < 6; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};

const ME: Me = { id: 9, name: 'Warga Satu', verification: 'VERIFIED', email: 'warga@contoh.id', phone: null, homeRegion: { id: 400, name: 'RT 01 / RW 01', level: 'RT', parentId: null }, roles: [] };
const FORUM = { id: 7, name: 'Musrenbang Kelurahan Pangongangan', level: 'DESA_KELURAHAN', status: 'SCHEDULED', budgetCeiling: 300_000_000, selectionLimit: 'BUDGET', maxCount: null, tolerancePercent: 5, region: { id: 3, name: 'Pangongangan', level: 'DESA_KELURAHAN' }, agency: null, parentForum: null, cycle: { id: 1, planYear: 2027 } };
const handler: Handler = (name) => {
  if (name === 'Catalogue') {
    return {
      data: {
        sectors: [{ id: 1, code: 'PU', name: 'Pekerjaan Umum' }],
        agencies: [],
        activities: [{ id: 1, code: 'KU-001', name: 'Pembangunan saluran drainase', sectorId: 1, agencyId: null, unit: 'meter', unitCost: 1_500_000, physical: true }],
      },
    };
  }
  if (name === 'Forums') return { data: { forums: { totalCount: 1, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [FORUM] } } };
  if (name === 'Region') return { data: { region: { id: 400, name: 'RT 01 / RW 01', code: 'x', level: 'RT', parentId: null } } };
  if (name === 'Regions') return { data: { regions: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } } };
  return {};
};

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  signIn('tok', ME);
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  signOut();
  setLocale('id');
});

async function mount() {
  const { client, seen } = testClient(handler);
  act(() => render(<Provider value={client}>{<ProposalFormPage />}</Provider>, root));
  await settle();
  return seen;
}

const type = async (id: string, value: string) => {
  const el = root.querySelector<HTMLInputElement | HTMLTextAreaElement>(`#${id}`)!;
  el.value = value;
  await act(() => {
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
};
const choose = async (id: string, value: string) => {
  const el = root.querySelector<HTMLSelectElement>(`#${id}`)!;
  el.value = value;
  await act(() => {
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
};
const summary = () => [...root.querySelectorAll('[data-testid="form-problems"] li')].map((li) => li.textContent);

describe('the proposal form', () => {
  it('finds every problem of an empty form in one pass, in the form order, and nothing goes to the server', async () => {
    const seen = await mount();
    const sent = () => seen.filter((s) => s.name === 'CreateProposal' || s.name === 'UpdateProposal').length;
    await act(() => {
      root.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    expect(summary()).toEqual([
      'Forum: wajib diisi',
      'Alamat: wajib diisi',
      'Judul: wajib diisi',
      'Masalah: wajib diisi',
      'Gagasan: wajib diisi',
      'Volume: wajib diisi',
      'Satuan: wajib diisi',
      'Perkiraan biaya: wajib diisi',
      'Penerima manfaat: wajib diisi',
    ]);
    expect(document.activeElement).toBe(root.querySelector('[data-testid="form-problems"]'));
    expect(root.querySelector('#pf-title-error')?.textContent).toContain('wajib diisi');
    expect(root.querySelector('#pf-title')?.getAttribute('aria-invalid')).toBe('true');
    expect(root.querySelector('form')!.noValidate).toBe(true);
    expect(sent()).toBe(0);
    // The same problems in the other language, without a new submit.
    await act(() => setLocale('en'));
    await settle();
    expect(summary()[0]).toBe('Forum: is required');
    expect(summary()[8]).toBe('Beneficiaries: is required');
    expect(root.querySelector('#pf-title-error')?.textContent).toContain('is required');
  });

  it('refuses a negative cost at the field as it is typed, instead of reading it as another amount', async () => {
    await mount();
    await type('pf-cost', '-2500000');
    expect(root.querySelector('#pf-cost-error')?.textContent).toContain('tidak boleh negatif');
    expect(plain(root.querySelector('#pf-cost-hint')?.textContent)).not.toContain('Rp 2.500.000');
    await type('pf-cost', '2,5 juta');
    expect(root.querySelector('#pf-cost-error')?.textContent).toContain('tulis jumlah Rupiah dengan angka');
    await type('pf-cost', '2.500.000');
    expect(root.querySelector('#pf-cost-error')).toBeNull();
    expect(plain(root.querySelector('#pf-cost-hint')?.textContent)).toBe('Terbaca: Rp 2.500.000');
  });

  it("warns, without blocking, when the cost is far from the catalogue's unit cost × volume", async () => {
    await mount();
    await choose('pf-activity', '1');
    await type('pf-volume', '120');
    await type('pf-cost', '2500000');
    expect(plain(root.querySelector('[data-testid="pf-cost-warning"]')?.textContent)).toContain('Biaya jauh dari perkiraan katalog: 120 meter × Rp 1.500.000 = Rp 180.000.000');
    expect(root.querySelector('#pf-cost')?.getAttribute('aria-describedby')).toContain('pf-cost-warning');
    expect(root.querySelector('#pf-cost-error')).toBeNull();
    await type('pf-cost', '175000000');
    expect(root.querySelector('[data-testid="pf-cost-warning"]')).toBeNull();
  });
});

describe('checkProposal', () => {
  const filled = {
    forumId: '7',
    location: [],
    address: 'Jl. Merdeka 12',
    latitude: '-7,62',
    longitude: '',
    title: 'Saluran',
    problem: 'Saluran mampet setiap hujan deras.',
    solution: 'Bangun saluran drainase baru.',
    sectorId: '',
    physical: 'yes' as const,
    activityId: '',
    volume: '0',
    unit: 'meter',
    estimatedCost: 'Rp -1.000',
    beneficiaries: '-3',
    proposerType: 'RESIDENT',
    agencyId: '',
    anonymousToPublic: false,
  };
  it('checks coordinates, volume, money and counts with the server limits', () => {
    const { checks } = checkProposal(filled, { needForum: true });
    expect(problemTexts(checks.problems, 'id')).toEqual({
      longitude: 'isi lintang dan bujur, atau kosongkan keduanya',
      volume: 'harus bilangan positif',
      estimatedCost: 'tidak boleh negatif: tulis jumlahnya tanpa tanda minus',
      beneficiaries: 'harus antara 0 dan 50.000.000',
    });
    const ok = checkProposal({ ...filled, longitude: '111,52', volume: '120', estimatedCost: '180.000.000', beneficiaries: '350' }, { needForum: true });
    expect(ok.checks.ok).toBe(true);
    expect(ok).toMatchObject({ latitude: -7.62, longitude: 111.52, volume: 120, cost: 180_000_000, beneficiaries: 350 });
    expect(problemTexts(checkProposal({ ...filled, latitude: '40', longitude: '10' }, { needForum: false }).checks.problems, 'en')).toMatchObject({ latitude: 'coordinates must lie within Indonesia', longitude: 'coordinates must lie within Indonesia' });
  });
});
