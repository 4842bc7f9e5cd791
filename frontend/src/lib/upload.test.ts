import { afterEach, describe, expect, it, vi } from 'vitest';
import { fieldErrors } from './errors';
import { setLocale } from './i18n';
import { localFileError, MAX_BYTES, scaledSize, uploadFile } from './upload';

afterEach(() => {
  vi.unstubAllGlobals();
  setLocale('id');
});

describe('scaledSize', () => {
  it('scales the longest side down to 1600 px and keeps the proportions', () => {
    expect(scaledSize(4000, 3000)).toEqual({ width: 1600, height: 1200 });
    expect(scaledSize(3000, 4000)).toEqual({ width: 1200, height: 1600 });
    expect(scaledSize(4032, 1908)).toEqual({ width: 1600, height: 757 });
  });
  it('never enlarges a small picture', () => {
    expect(scaledSize(1600, 900)).toEqual({ width: 1600, height: 900 });
    expect(scaledSize(640, 480)).toEqual({ width: 640, height: 480 });
  });
  it('keeps a very thin picture at least 1 px wide, and gives nothing for no picture', () => {
    expect(scaledSize(10000, 2)).toEqual({ width: 1600, height: 1 });
    expect(scaledSize(0, 100)).toEqual({ width: 0, height: 0 });
    expect(scaledSize(800, 600, 400)).toEqual({ width: 400, height: 300 });
  });
});

describe('localFileError', () => {
  it('refuses other types and files over 10 MB before sending', () => {
    expect(localFileError(new Blob(['x'], { type: 'image/gif' }))?.fields[0].code).toBe('type');
    expect(localFileError(new Blob([new Uint8Array(MAX_BYTES + 1)], { type: 'application/pdf' }))?.fields[0].code).toBe('size');
    expect(localFileError(new Blob(['%PDF'], { type: 'application/pdf' }))).toBeNull();
  });
});

const answer = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('uploadFile', () => {
  it('sends a GraphQL multipart request with the bearer token', async () => {
    const attachment = { id: 7, kind: 'PHOTO', fileName: 'jalan.jpg', contentType: 'image/jpeg', sizeBytes: 2048, url: '/media/7', createdAt: '2025-01-01T00:00:00Z' };
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => answer({ data: { uploadAttachment: attachment } }));
    vi.stubGlobal('fetch', fetchMock);
    const file = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'jalan.jpg', { type: 'image/jpeg' });
    const result = await uploadFile(42, 'PHOTO', file, { token: 'tok-1' });
    expect(result).toEqual({ attachment, error: null });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/graphql');
    expect(init.method).toBe('POST');
    const headers = init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer tok-1');
    expect(headers.accept).toBe('application/json');
    // The browser writes the multipart boundary itself.
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('content-type');
    const body = init.body as FormData;
    expect(body).toBeInstanceOf(FormData);
    expect([...body.keys()]).toEqual(['operations', 'map', '0']);
    const operations = JSON.parse(body.get('operations') as string);
    expect(operations.variables).toEqual({ proposalId: 42, kind: 'PHOTO', file: null });
    expect(operations.query).toMatch(/mutation UploadAttachment\(\$proposalId: Int!, \$kind: AttachmentKind!, \$file: Upload!\)/);
    expect(operations.query).toContain('uploadAttachment(proposalId: $proposalId, kind: $kind, file: $file)');
    expect(JSON.parse(body.get('map') as string)).toEqual({ '0': ['variables.file'] });
    const sent = body.get('0') as File;
    expect(sent).toBeInstanceOf(File);
    expect(sent.name).toBe('jalan.jpg');
    expect(sent.size).toBe(3);
  });

  it('sends no Authorization header without a session', async () => {
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => answer({ errors: [{ message: 'sign in', extensions: { code: 'UNAUTHENTICATED' } }] }));
    vi.stubGlobal('fetch', fetchMock);
    const result = await uploadFile(1, 'DOCUMENT', new File(['%PDF'], 'a.pdf', { type: 'application/pdf' }), { token: null });
    expect(fetchMock.mock.calls[0][1].headers).not.toHaveProperty('authorization');
    expect(result.error?.code).toBe('UNAUTHENTICATED');
  });

  it('reads BAD_USER_INPUT file problems into the field errors', async () => {
    vi.stubGlobal('fetch', async () =>
      answer({ data: null, errors: [{ message: 'invalid input', extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'file', code: 'size', message: 'must be at most 10 MB' }] } }] }),
    );
    const result = await uploadFile(1, 'DOCUMENT', new File(['%PDF'], 'a.pdf', { type: 'application/pdf' }), { token: 't' });
    expect(result.attachment).toBeNull();
    expect(result.error).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'file', code: 'size' }] });
    expect(fieldErrors(result.error, 'en')).toEqual({ file: 'must be at most 10 MB' });
  });

  it('calls a lost connection a network error and a 503 unavailable', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    expect((await uploadFile(1, 'PHOTO', new Blob(['x']), { token: 't' })).error?.code).toBe('NETWORK');
    vi.stubGlobal('fetch', async () => new Response('<html>down</html>', { status: 503, headers: { 'retry-after': '30' } }));
    const down = await uploadFile(1, 'PHOTO', new Blob(['x']), { token: 't' });
    expect(down.error).toMatchObject({ code: 'UNAVAILABLE', retryAfterSeconds: 30 });
  });
});
