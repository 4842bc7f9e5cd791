import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Attachments, type AttachmentRow } from './Attachments';
import { setLocale } from '../lib/i18n';
import { signIn, signOut, type Me } from '../lib/session';

const settle = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};
const ME: Me = { id: 9, name: 'Warga Satu', verification: 'VERIFIED', email: 'warga@contoh.id', phone: null, homeRegion: null, roles: [] } as unknown as Me;
const PHOTO: AttachmentRow = { id: 5, kind: 'PHOTO', fileName: 'jalan rusak.jpg', contentType: 'image/jpeg', sizeBytes: 300 * 1024, url: '/media/5' };
const PDF: AttachmentRow = { id: 6, kind: 'DOCUMENT', fileName: 'rab.pdf', contentType: 'application/pdf', sizeBytes: 50 * 1024, url: '/media/6' };
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  signIn('tok-9', ME);
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  signOut();
  vi.unstubAllGlobals();
});

const choose = async (id: string, file: File) => {
  const input = root.querySelector<HTMLInputElement>(`#${id}`)!;
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  act(() => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
};

describe('attachments', () => {
  it('shows a public photo as a thumbnail that opens the full picture, and a PDF as a link', () => {
    act(() => render(<Attachments proposalId={1} attachments={[PHOTO, PDF]} canAdd={false} isPublic />, root));
    const img = root.querySelector<HTMLImageElement>('img.attachment__thumb')!;
    expect(img.getAttribute('src')).toBe('/media/5/thumb');
    expect(img.getAttribute('alt')).toBe('jalan rusak.jpg');
    expect(img.closest('a')?.getAttribute('href')).toBe('/media/5');
    const links = [...root.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]);
    expect(links).toContainEqual(['rab.pdf', '/media/6']);
    expect(root.querySelector('input[type=file]')).toBeNull();
  });

  it("loads a draft's thumbnail with the session into a blob: URL", async () => {
    const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response(new Blob(['img'], { type: 'image/jpeg' })));
    vi.stubGlobal('fetch', fetchMock);
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:thumb-5');
    act(() => render(<Attachments proposalId={1} attachments={[PHOTO]} canAdd isPublic={false} />, root));
    await settle();
    expect(fetchMock).toHaveBeenCalledWith('/media/5/thumb', { headers: { authorization: 'Bearer tok-9' } });
    expect(root.querySelector('img.attachment__thumb')?.getAttribute('src')).toBe('blob:thumb-5');
    created.mockRestore();
  });

  it('offers a file picker and a camera, uploads a PDF and lists it', async () => {
    const onAdded = vi.fn();
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => json({ data: { uploadAttachment: { ...PDF, id: 11, fileName: 'surat.pdf', createdAt: '2025-01-01T00:00:00Z' } } }));
    vi.stubGlobal('fetch', fetchMock);
    act(() => render(<Attachments proposalId={3} attachments={[]} canAdd isPublic={false} onAdded={onAdded} />, root));
    const picker = root.querySelector<HTMLInputElement>('#att-file')!;
    expect(picker.getAttribute('accept')).toBe('image/jpeg,image/png,image/webp,application/pdf');
    expect(root.querySelector('label[for=att-file]')?.textContent).toBe('Tambah foto atau dokumen');
    expect(root.querySelector('#att-camera')?.getAttribute('capture')).toBe('environment');
    await choose('att-file', new File(['%PDF-1.4'], 'surat.pdf', { type: 'application/pdf' }));
    const body = fetchMock.mock.calls[0][1].body as FormData;
    expect(JSON.parse(body.get('operations') as string).variables).toEqual({ proposalId: 3, kind: 'DOCUMENT', file: null });
    expect(root.querySelector('ul.attachments')?.textContent).toContain('surat.pdf');
    expect(onAdded).toHaveBeenCalledTimes(1);
    expect(root.querySelector('[role=alert]')).toBeNull();
  });

  it.each([
    ['id', 'type', 'Jenis berkas tidak diterima'],
    ['id', 'count', 'sudah memiliki 12 lampiran'],
    ['en', 'size', 'The file is too large: at most 10 MB.'],
  ] as const)('shows the server’s %s "%s" file problem', async (locale, code, text) => {
    setLocale(locale);
    vi.stubGlobal('fetch', async () =>
      json({ data: null, errors: [{ message: 'invalid input', extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'file', code, message: 'server words' }] } }] }),
    );
    const onAdded = vi.fn();
    act(() => render(<Attachments proposalId={3} attachments={[]} canAdd isPublic={false} onAdded={onAdded} />, root));
    await choose('att-file', new File(['%PDF-1.4'], 'surat.pdf', { type: 'application/pdf' }));
    const alert = root.querySelector('[data-testid=upload-error]');
    expect(alert?.getAttribute('role')).toBe('alert');
    expect(alert?.textContent).toContain(text);
    expect(document.activeElement).toBe(alert);
    expect(onAdded).not.toHaveBeenCalled();
    expect(root.querySelector('ul.attachments')).toBeNull();
  });

  it('refuses another type before sending anything', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    act(() => render(<Attachments proposalId={3} attachments={[]} canAdd isPublic={false} />, root));
    await choose('att-file', new File(['GIF89a'], 'a.txt', { type: 'text/plain' }));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(root.querySelector('[data-testid=upload-error]')?.textContent).toContain('Jenis berkas tidak diterima');
  });
});
