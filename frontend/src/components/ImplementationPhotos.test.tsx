// An implementation report with photos (sent with uploadImplementationPhoto once the report is
// saved, the failed ones kept for another try), the timeline's thumbnails, and the proposals
// list's "Maksud Anda" when a search finds nothing.
import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ProposalJourney from './ProposalJourney';
import { ProposalsPage, searchHref } from '../pages/Proposals';
import { setLocale } from '../lib/i18n';
import { navigate, routeStore } from '../lib/router';
import { signIn, signOut, type Me } from '../lib/session';
import { testClient, type Handler } from '../lib/testClient';

const PLANNER: Me = {
  id: 4,
  name: 'Perencana',
  verification: 'VERIFIED',
  email: 'perencana@contoh.id',
  phone: null,
  homeRegion: null,
  roles: [{ id: 1, role: 'PLANNER', forumId: null, regionId: 1, agencyId: null }],
};
const settle = async () => {
  for (let i = 0; i < 12; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  vi.stubGlobal('createImageBitmap', () => Promise.reject(new Error('no decoder')));
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  signOut();
  vi.unstubAllGlobals();
});

const update = (id: number, photoUrl: string | null, note: string) => ({ id, status: 'IN_PROGRESS', happenedOn: '2026-11-20', note, photoUrl, createdAt: '2026-11-20T03:00:00Z' });

function pathServer() {
  const updates = [update(1, '/media/9', 'Pengecoran dimulai'), update(2, 'https://contoh.id/foto.jpg', 'Tahap dua')];
  const handler: Handler = (name, v) => {
    if (name === 'ProposalPath') {
      return {
        data: {
          proposal: {
            id: 12,
            status: 'ACCEPTED',
            implementationStatus: 'IN_PROGRESS',
            finalAgency: { id: 2 },
            initialAgency: { id: 2 },
            carriedOverFrom: null,
            path: {
              carriedOverFromId: null, carriedOverToId: null, inPlan: true, implementationStatus: 'IN_PROGRESS', implementation: updates,
              levels: [{ forumId: 3, forumName: 'Musrenbang Kota', level: 'KABUPATEN_KOTA', status: 'ACCEPTED', arrivedAt: '2026-03-01T00:00:00Z', leftAt: null, changes: [], recommendations: [], votes: [], priority: null }],
            },
          },
        },
      };
    }
    if (name === 'ReportImplementation') {
      const made = update(30 + updates.length, v.input.photoUrl ?? null, v.input.note);
      updates.push(made);
      return { data: { reportImplementation: made } };
    }
    return { data: null };
  };
  return { ...testClient(handler), updates };
}

describe('implementation reports with photos', () => {
  it('shows a /media/ photo as a thumbnail linking to it, and another address as a link', async () => {
    const { client } = pathServer();
    act(() =>
      render(
        <Provider value={client}>
          <ProposalJourney proposalId={12} />
        </Provider>,
        root,
      ),
    );
    // Read at once: happy-dom soon reports the thumbnail (no server sends it) as failed.
    const img = root.querySelector<HTMLImageElement>('.timeline img')!;
    expect(img.getAttribute('src')).toBe('/media/9/thumb');
    expect(img.getAttribute('alt')).toMatch(/^Foto pelaksanaan: .+, 20 Nov/);
    expect(img.closest('a')?.getAttribute('href')).toBe('/media/9');
    const external = [...root.querySelectorAll('.timeline a')].find((a) => a.getAttribute('href') === 'https://contoh.id/foto.jpg')!;
    expect(external.textContent).toContain('Foto');
    expect(external.getAttribute('target')).toBe('_blank');
    // A thumbnail that does not come (a PDF has none): a plain link to the file.
    act(() => {
      img.dispatchEvent(new Event('error'));
    });
    expect(root.querySelector('.timeline img')).toBeNull();
    expect([...root.querySelectorAll('.timeline a')].map((a) => a.getAttribute('href'))).toContain('/media/9');
  });

  it('sends the chosen files with uploadImplementationPhoto after the report, and offers to send a failed one again', async () => {
    signIn('tok-4', PLANNER);
    const { client, seen } = pathServer();
    const uploads: Array<{ variables: Record<string, unknown>; name: string }> = [];
    let refuse = true;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        const body = init.body as FormData;
        const file = body.get('0') as File;
        uploads.push({ variables: JSON.parse(body.get('operations') as string).variables, name: file.name });
        if (file.name === 'ba.pdf' && refuse) {
          refuse = false;
          return json({ data: null, errors: [{ message: 'busy', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        }
        return json({ data: { uploadImplementationPhoto: { id: 70 + uploads.length, kind: 'PHOTO', fileName: file.name, contentType: file.type, sizeBytes: file.size, url: `/media/${70 + uploads.length}`, createdAt: '', implementationUpdateId: 32 } } });
      }),
    );
    act(() =>
      render(
        <Provider value={client}>
          <ProposalJourney proposalId={12} />
        </Provider>,
        root,
      ),
    );
    await settle();
    const camera = root.querySelector<HTMLInputElement>('#impl-files-camera')!;
    expect(camera.getAttribute('capture')).toBe('environment');
    const note = root.querySelector<HTMLTextAreaElement>('#impl-note')!;
    act(() => {
      note.value = 'Pengecoran selesai 60 persen.';
      note.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const input = root.querySelector<HTMLInputElement>('#impl-files-file')!;
    expect(input.getAttribute('accept')).toContain('application/pdf');
    Object.defineProperty(input, 'files', {
      value: [new File([new Uint8Array([0xff, 0xd8, 0xff])], 'cor.jpg', { type: 'image/jpeg' }), new File(['%PDF-1.4'], 'ba.pdf', { type: 'application/pdf' })],
      configurable: true,
    });
    act(() => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const form = input.closest('form')!;
    await act(async () => {
      form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    expect(seen.filter((s) => s.name === 'ReportImplementation')).toHaveLength(1);
    expect(uploads).toEqual([
      { variables: { updateId: 32, file: null }, name: 'cor.jpg' },
      { variables: { updateId: 32, file: null }, name: 'ba.pdf' },
    ]);
    const failed = root.querySelector('[data-testid=impl-files-failed]')!;
    expect(failed.textContent).toContain('Laporan tersimpan, tetapi 1 dari 2 berkas belum terkirim');
    expect(failed.textContent).toContain('ba.pdf');
    // The failed file stays chosen; sending again goes to the same report, not a new one.
    expect(root.querySelector('[data-testid=impl-files-chosen]')?.textContent).toContain('ba.pdf');
    const again = [...form.querySelectorAll('button')].find((b) => b.textContent === 'Kirim lagi berkas yang gagal')!;
    expect(again).toBeTruthy();
    await act(async () => {
      form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    expect(seen.filter((s) => s.name === 'ReportImplementation')).toHaveLength(1);
    expect(uploads.slice(2)).toEqual([{ variables: { updateId: 32, file: null }, name: 'ba.pdf' }]);
    expect(root.querySelector('[data-testid=impl-files-failed]')).toBeNull();
    expect([...form.querySelectorAll('button')].map((b) => b.textContent)).toContain('Kirim laporan');
  });
});

describe('the proposals search’s suggestion', () => {
  it('builds the address with the suggested search, back on the first page', () => {
    expect(searchHref('/usulan', new URLSearchParams('q=drainse&status=VERIFIED&offset=20'), 'drainase')).toBe('/usulan?q=drainase&status=VERIFIED');
  });

  it('offers "Maksud Anda: drainase?" when nothing is found, and applies it', async () => {
    const asked: Array<Record<string, unknown>> = [];
    const handler: Handler = (name, v) => {
      if (name === 'Proposals') {
        asked.push(v.filter);
        const found = v.filter.search === 'drainase';
        const node = { id: 1, code: 'U-1', title: 'Pembangunan saluran drainase', status: 'VERIFIED', level: 'DESA_KELURAHAN', estimatedCost: 1, beneficiaries: 1, createdAt: '2026-11-01T00:00:00Z', latitude: null, longitude: null, commentCount: 0, region: null, sector: null, forum: null };
        return { data: { proposals: { totalCount: found ? 1 : 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null }, nodes: found ? [node] : [] } } };
      }
      if (name === 'ProposalSearchSuggestion') return { data: { proposalSearchSuggestion: v.filter.search === 'drainse' ? 'drainase' : null } };
      if (name === 'Catalogue') return { data: { sectors: [], agencies: [], activities: [] } };
      if (name === 'ProposalCycles') return { data: { cycles: { nodes: [] } } };
      return { data: null };
    };
    const { client, seen } = testClient(handler);
    navigate('/usulan?q=drainse&status=VERIFIED');
    act(() =>
      render(
        <Provider value={client}>
          <ProposalsPage />
        </Provider>,
        root,
      ),
    );
    await settle();
    const none = root.querySelector('[data-testid=search-none]')!;
    expect(none.textContent).toBe('Tidak ada hasil untuk “drainse”. Maksud Anda: drainase?');
    expect(seen.find((s) => s.name === 'ProposalSearchSuggestion')?.variables).toEqual({ filter: { search: 'drainse', statuses: ['VERIFIED'] } });
    const link = root.querySelector<HTMLAnchorElement>('[data-testid=search-suggestion]')!;
    expect(link.getAttribute('href')).toBe('/usulan?q=drainase&status=VERIFIED');
    act(() => {
      link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }));
    });
    await settle();
    expect(routeStore.get()).toBe('/usulan?q=drainase&status=VERIFIED');
    expect(asked[asked.length - 1]).toEqual({ search: 'drainase', statuses: ['VERIFIED'] });
    expect(root.textContent).toContain('Pembangunan saluran drainase');
    expect(root.querySelector('[data-testid=search-none]')).toBeNull();
  });

  it('asks for no suggestion without a search, and shows none when there is none', async () => {
    const handler: Handler = (name, v) => {
      if (name === 'Proposals') return { data: { proposals: { totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null }, nodes: [] } } };
      if (name === 'ProposalSearchSuggestion') return { data: { proposalSearchSuggestion: v.filter.search === 'zzz' ? null : 'x' } };
      return { data: null };
    };
    const { client, seen } = testClient(handler);
    navigate('/usulan?status=DRAFT');
    act(() =>
      render(
        <Provider value={client}>
          <ProposalsPage />
        </Provider>,
        root,
      ),
    );
    await settle();
    expect(root.textContent).toContain('Tidak ada usulan yang cocok dengan saringan.');
    expect(seen.some((s) => s.name === 'ProposalSearchSuggestion')).toBe(false);
    act(() => navigate('/usulan?q=zzz'));
    await settle();
    expect(root.querySelector('[data-testid=search-none]')?.textContent).toBe('Tidak ada hasil untuk “zzz”.');
  });
});
