// Photos with comments (and the shared file helpers behind them and the implementation report):
// choosing, sending after the comment, a failed photo reported without losing the comment, a
// queued comment saying its photos need the connection, the thumbnails, the 24-hour window.
import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Comments, mayAddPhotos, type CommentData } from './Comments';
import { fileErrorText, progressText } from './FilePicker';
import { setLocale } from '../lib/i18n';
import { onlineStore } from '../lib/online';
import { outboxStore, resetOutbox } from '../lib/outbox';
import { signIn, signOut, type Me } from '../lib/session';
import { testClient, type Handler } from '../lib/testClient';
import { MAX_BYTES, acceptChosen, sendFiles, type FileProgress } from '../lib/upload';
import type { ApiError } from '../lib/errors';

const ME: Me = { id: 9, name: 'Warga Satu', verification: 'VERIFIED', email: 'warga@contoh.id', phone: null, homeRegion: null, roles: [] };
const settle = async () => {
  for (let i = 0; i < 12; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
const jpeg = (name: string, bytes = 3) => new File([new Uint8Array(bytes).fill(0xff)], name, { type: 'image/jpeg' });
const pdf = (name: string) => new File(['%PDF-1.4'], name, { type: 'application/pdf' });
const badInput = (code: string): ApiError => ({ code: 'BAD_USER_INPUT', message: 'invalid input', fields: [{ field: 'file', code, message: code }] });

let online = true;
Object.defineProperty(window.navigator, 'onLine', { configurable: true, get: () => online });

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  resetOutbox();
  online = true;
  onlineStore.set(true);
  // No decoder here: a photo is sent as chosen (prepareFile's fallback).
  vi.stubGlobal('createImageBitmap', () => Promise.reject(new Error('no decoder')));
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  resetOutbox();
  signOut();
  online = true;
  onlineStore.set(true);
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('acceptChosen', () => {
  it('takes photos only for a comment (any image the phone can hand over), at most the limit', () => {
    const heic = new File(['x'], 'kamera.heic', { type: 'image/heic' });
    expect(acceptChosen([], [jpeg('a.jpg'), heic], { max: 3, photosOnly: true })).toEqual({ files: [expect.any(File), heic], problem: null });
    expect(acceptChosen([], [pdf('rab.pdf')], { max: 3, photosOnly: true })).toEqual({ files: [], problem: 'type' });
    const three = acceptChosen([jpeg('a.jpg'), jpeg('b.jpg')], [jpeg('c.jpg'), jpeg('d.jpg')], { max: 3, photosOnly: true });
    expect(three.files.map((f) => f.name)).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(three.problem).toBe('count');
  });
  it('takes photos and PDFs otherwise, and refuses other kinds and huge files', () => {
    expect(acceptChosen([], [pdf('ba.pdf'), jpeg('a.jpg')], { max: 6 }).files.map((f) => f.name)).toEqual(['ba.pdf', 'a.jpg']);
    expect(acceptChosen([], [new File(['x'], 'a.txt', { type: 'text/plain' })], { max: 6 }).problem).toBe('type');
    expect(acceptChosen([], [new File(['x'], 'a.heic', { type: 'image/heic' })], { max: 6 }).problem).toBe('type');
    const huge = new File([new Uint8Array(MAX_BYTES * 3 + 1)], 'besar.jpg', { type: 'image/jpeg' });
    expect(acceptChosen([], [huge], { max: 6 })).toEqual({ files: [], problem: 'size' });
  });
});

describe('sendFiles', () => {
  it('sends each file in turn, reports every step, and goes on after one fails', async () => {
    const steps: string[] = [];
    const send = vi.fn(async (file: File) => (file.name === 'b.jpg' ? { data: null, error: badInput('size') } : { data: { id: file.name }, error: null }));
    const results = await sendFiles([jpeg('a.jpg'), jpeg('b.jpg'), jpeg('c.jpg')], send, (p) => steps.push(p.map((x) => x.step[0]).join('')));
    expect(send).toHaveBeenCalledTimes(3);
    expect(results.map((r) => r.step)).toEqual(['done', 'failed', 'done']);
    expect(results[0].data).toEqual({ id: 'a.jpg' });
    expect(results[1].error?.fields[0].code).toBe('size');
    expect(steps[0]).toBe('www');
    expect(steps).toContain('dpw');
    expect(steps).toContain('dfs');
    expect(steps[steps.length - 1]).toBe('dfd');
  });
  it('does not send a file the server would refuse anyway, and turns a thrown send into a network problem', async () => {
    const send = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const results = await sendFiles([new File(['x'], 'a.gif', { type: 'image/gif' }), jpeg('b.jpg')], send);
    expect(send).toHaveBeenCalledTimes(1);
    expect(results[0]).toMatchObject({ step: 'failed', error: { fields: [expect.objectContaining({ code: 'type' })] } });
    expect(results[1]).toMatchObject({ step: 'failed', error: { code: 'NETWORK' } });
  });
  it('says which file is on its way', () => {
    const p: FileProgress[] = [
      { name: 'a.jpg', step: 'done' },
      { name: 'b.jpg', step: 'sending', size: 120 * 1024 },
    ];
    expect(progressText(p)).toBe('Mengunggah b.jpg (120 KB)…');
    expect(progressText([{ name: 'a.jpg', step: 'preparing' }])).toBe('Menyiapkan a.jpg…');
    expect(progressText([{ name: 'a.jpg', step: 'done' }])).toBeNull();
  });
});

describe('fileErrorText', () => {
  it('words the server’s refusals for comments and reports', () => {
    expect(fileErrorText(badInput('count'), 'comment', 3)).toBe('Komentar ini sudah memiliki 3 foto, jumlah paling banyak.');
    expect(fileErrorText(badInput('count'), 'implementation', 6)).toBe('Laporan ini sudah memiliki 6 lampiran, jumlah paling banyak.');
    expect(fileErrorText(badInput('type'), 'comment', 3)).toMatch(/^Jenis berkas tidak diterima: pilih foto/);
    expect(fileErrorText(badInput('size'), 'comment', 3)).toBe('Berkas terlalu besar: paling besar 10 MB.');
    expect(fileErrorText({ code: 'FAILED_PRECONDITION', message: 'photos go with a comment while it is new and shown', fields: [] }, 'comment', 3)).toMatch(/dalam 24 jam/);
    expect(fileErrorText({ code: 'FORBIDDEN', message: '', fields: [] }, 'comment', 3)).toBe('Hanya penulis komentar yang dapat menambahkan foto padanya.');
    expect(fileErrorText({ code: 'FORBIDDEN', message: '', fields: [] }, 'implementation', 6)).toMatch(/^Hanya perangkat daerah/);
    setLocale('en');
    expect(fileErrorText(badInput('count'), 'comment', 3)).toBe('This comment already has 3 photos, the most it may have.');
  });
});

const comment = (over: Partial<CommentData> = {}): CommentData => ({
  id: 41,
  parentId: null,
  createdAt: new Date(Date.now() - 60_000).toISOString(),
  hidden: false,
  hiddenReason: null,
  body: 'Saluran di depan rumah saya tersumbat',
  author: { id: ME.id, name: ME.name },
  attachments: [],
  ...over,
});

describe('mayAddPhotos', () => {
  const now = Date.parse('2027-03-02T10:00:00Z');
  const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
  it('lets the author add photos to a new, shown comment that has room', () => {
    expect(mayAddPhotos(comment({ createdAt: at(1) }), ME.id, now)).toBe(true);
    expect(mayAddPhotos(comment({ createdAt: at(23.9) }), ME.id, now)).toBe(true);
  });
  it('not someone else, not after 24 hours, not a hidden or full comment', () => {
    const photo = { id: 1, kind: 'PHOTO' as const, fileName: 'a.jpg', contentType: 'image/jpeg', sizeBytes: 1, url: '/media/1' };
    expect(mayAddPhotos(comment({ createdAt: at(1) }), 10, now)).toBe(false);
    expect(mayAddPhotos(comment({ createdAt: at(1) }), null, now)).toBe(false);
    expect(mayAddPhotos(comment({ createdAt: at(24) }), ME.id, now)).toBe(false);
    expect(mayAddPhotos(comment({ createdAt: at(1), hidden: true }), ME.id, now)).toBe(false);
    expect(mayAddPhotos(comment({ createdAt: at(1), attachments: [photo, { ...photo, id: 2 }, { ...photo, id: 3 }] }), ME.id, now)).toBe(false);
  });
});

/** A server for AddComment (urql) and the uploads (fetch): `failNames` photos are refused as too large. */
function setup({ reachable = true, failNames = [] as string[] } = {}) {
  const handler: Handler = (name, v) => {
    if (!reachable) return { network: true };
    if (name === 'AddComment') {
      return { data: { addComment: { id: 77, parentId: v.parentId ?? null, createdAt: new Date().toISOString(), hidden: false, hiddenReason: null, body: v.body, author: { id: ME.id, name: ME.name }, attachments: [] } } };
    }
    return { data: null };
  };
  const { client, seen } = testClient(handler);
  const uploads: Array<{ variables: Record<string, unknown>; file: File; auth: string | undefined }> = [];
  const fetchMock = vi.fn(async (_url: string, init: RequestInit) => {
    const body = init.body as FormData;
    const operations = JSON.parse(body.get('operations') as string);
    const file = body.get('0') as File;
    uploads.push({ variables: operations.variables, file, auth: (init.headers as Record<string, string>).authorization });
    if (failNames.includes(file.name)) {
      return json({ data: null, errors: [{ message: 'invalid input', extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'file', code: 'size', message: 'must be at most 10 MB' }] } }] });
    }
    return json({ data: { uploadCommentPhoto: { id: 500 + uploads.length, kind: 'PHOTO', fileName: file.name, contentType: 'image/jpeg', sizeBytes: file.size, url: `/media/${500 + uploads.length}`, createdAt: '2027-03-01T02:00:00Z', commentId: 77 } } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { client, seen, uploads };
}

async function writeComment(client: ReturnType<typeof setup>['client'], text: string, files: File[], refresh = vi.fn()) {
  act(() =>
    render(
      <Provider value={client}>
        <Comments proposalId={7} proposalTitle="Rabat beton" comments={[]} signedIn isDraft={false} isStaff={false} refresh={refresh} />
      </Provider>,
      root,
    ),
  );
  const textarea = root.querySelector<HTMLTextAreaElement>('#new-comment-body')!;
  act(() => {
    textarea.value = text;
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const input = root.querySelector<HTMLInputElement>('#new-comment-photos-file')!;
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  act(() => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
  await act(async () => {
    root.querySelector<HTMLFormElement>('form.comment-form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
  return refresh;
}

describe('the comment form with photos', () => {
  it('offers the camera, and sends each photo with uploadCommentPhoto once the comment is there', async () => {
    signIn('tok-9', ME);
    const { client, seen, uploads } = setup();
    act(() =>
      render(
        <Provider value={client}>
          <Comments proposalId={7} comments={[]} signedIn isDraft={false} isStaff={false} refresh={() => undefined} />
        </Provider>,
        root,
      ),
    );
    const camera = root.querySelector<HTMLInputElement>('#new-comment-photos-camera')!;
    expect(camera.getAttribute('accept')).toBe('image/*');
    expect(camera.getAttribute('capture')).toBe('environment');
    expect(root.querySelector('#new-comment-photos-file')?.getAttribute('accept')).toBe('image/*');

    const refresh = await writeComment(client, 'Ini fotonya', [jpeg('saluran.jpg'), jpeg('jalan.jpg')]);
    expect(seen.filter((s) => s.name === 'AddComment')).toHaveLength(1);
    expect(uploads.map((u) => [u.variables, u.file.name])).toEqual([
      [{ commentId: 77, file: null }, 'saluran.jpg'],
      [{ commentId: 77, file: null }, 'jalan.jpg'],
    ]);
    expect(uploads[0].auth).toBe('Bearer tok-9');
    expect(refresh).toHaveBeenCalled();
    expect(root.querySelector('[role=alert]')).toBeNull();
    expect(root.querySelector('[data-testid=new-comment-photos-chosen]')).toBeNull();
  });

  it('keeps the comment when a photo fails, and says which photo and why', async () => {
    signIn('tok-9', ME);
    const { client, uploads } = setup({ failNames: ['besar.jpg'] });
    const refresh = await writeComment(client, 'Dua foto', [jpeg('besar.jpg'), jpeg('kecil.jpg')]);
    expect(uploads).toHaveLength(2);
    expect(refresh).toHaveBeenCalled();
    const failed = root.querySelector('[data-testid=new-comment-photos-failed]')!;
    expect(failed.getAttribute('role')).toBe('alert');
    expect(failed.textContent).toContain('Komentar terkirim, tetapi 1 dari 2 foto belum terkirim');
    expect(failed.textContent).toContain('besar.jpg: Berkas terlalu besar: paling besar 10 MB.');
    expect(failed.textContent).not.toContain('kecil.jpg');
    expect(root.querySelector<HTMLTextAreaElement>('#new-comment-body')!.value).toBe('');
  });

  it('queues a comment written offline, sends no photo, and says the photos need the connection', async () => {
    signIn('tok-9', ME);
    online = false;
    onlineStore.set(false);
    const { client, uploads } = setup({ reachable: false });
    await writeComment(client, 'Tanpa sinyal', [jpeg('saluran.jpg')]);
    expect(uploads).toHaveLength(0);
    expect(outboxStore.get()).toEqual([expect.objectContaining({ kind: 'comment', body: 'Tanpa sinyal', photosLeft: 1 })]);
    const pending = root.querySelector('[data-testid=pending-comment]')!;
    expect(pending.textContent).toContain('Tanpa sinyal');
    expect(pending.querySelector('[data-testid=pending-comment-photos]')?.textContent).toContain('1 foto tidak ikut disimpan di ponsel');
  });

  it('warns before sending while offline that photos need the connection', async () => {
    signIn('tok-9', ME);
    online = false;
    onlineStore.set(false);
    const { client } = setup({ reachable: false });
    act(() =>
      render(
        <Provider value={client}>
          <Comments proposalId={7} comments={[]} signedIn isDraft={false} isStaff={false} refresh={() => undefined} />
        </Provider>,
        root,
      ),
    );
    const input = root.querySelector<HTMLInputElement>('#new-comment-photos-file')!;
    Object.defineProperty(input, 'files', { value: [jpeg('a.jpg')], configurable: true });
    act(() => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(root.textContent).toContain('foto hanya dapat dikirim saat ada sambungan');
  });
});

describe('a comment’s photos', () => {
  const photo = (id: number) => ({ id, kind: 'PHOTO' as const, fileName: `IMG_${id}.jpg`, contentType: 'image/jpeg', sizeBytes: 1000, url: `/media/${id}` });
  it('shows them as thumbnails linking to the full picture, with alt text', () => {
    act(() =>
      render(
        <Provider value={setup().client}>
          <Comments proposalId={7} comments={[comment({ author: { id: 3, name: 'Bu Sri' }, attachments: [photo(5), photo(6)] })]} signedIn={false} isDraft={false} isStaff={false} refresh={() => undefined} />
        </Provider>,
        root,
      ),
    );
    const imgs = [...root.querySelectorAll<HTMLImageElement>('.comment__photos img')];
    expect(imgs.map((i) => [i.getAttribute('src'), i.getAttribute('alt'), i.closest('a')?.getAttribute('href')])).toEqual([
      ['/media/5/thumb', 'Foto 1 pada komentar Bu Sri', '/media/5'],
      ['/media/6/thumb', 'Foto 2 pada komentar Bu Sri', '/media/6'],
    ]);
    expect(root.querySelector('.comment__photos')?.getAttribute('aria-label')).toBe('Foto pada komentar Bu Sri');
    // Not the author: no "Tambah foto".
    expect([...root.querySelectorAll('button')].map((b) => b.textContent)).not.toContain('Tambah foto');
  });

  it('lets the author add photos to a new comment later ("Tambah foto")', async () => {
    signIn('tok-9', ME);
    const { client, uploads } = setup();
    const refresh = vi.fn();
    act(() =>
      render(
        <Provider value={client}>
          <Comments proposalId={7} comments={[comment({ id: 77, attachments: [photo(5)] })]} signedIn isDraft={false} isStaff={false} refresh={refresh} />
        </Provider>,
        root,
      ),
    );
    const add = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Tambah foto')!;
    act(() => add.click());
    const input = root.querySelector<HTMLInputElement>('#add-photos-77-file')!;
    // Room for two more.
    Object.defineProperty(input, 'files', { value: [jpeg('a.jpg'), jpeg('b.jpg'), jpeg('c.jpg')], configurable: true });
    act(() => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(root.querySelectorAll('[data-testid=add-photos-77-chosen] li')).toHaveLength(2);
    const form = input.closest('form')!;
    await act(async () => {
      form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    expect(uploads.map((u) => [u.variables.commentId, u.file.name])).toEqual([
      [77, 'a.jpg'],
      [77, 'b.jpg'],
    ]);
    expect(refresh).toHaveBeenCalled();
  });
});
