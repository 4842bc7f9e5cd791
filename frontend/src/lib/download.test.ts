import { describe, expect, it, vi } from 'vitest';
import { downloadExport, exportError, exportUrl, fallbackName, filenameFromDisposition } from './download';

describe('Content-Disposition', () => {
  it('reads quoted, bare and RFC 6266 encoded file names', () => {
    expect(filenameFromDisposition('attachment; filename="daftar-prioritas-kelurahan-patihan.xlsx"')).toBe('daftar-prioritas-kelurahan-patihan.xlsx');
    expect(filenameFromDisposition('attachment; filename=berita-acara.pdf')).toBe('berita-acara.pdf');
    expect(filenameFromDisposition(`attachment; filename="fallback.csv"; filename*=UTF-8''daftar%20prioritas%20%E2%80%94%202027.csv`)).toBe('daftar prioritas — 2027.csv');
    expect(filenameFromDisposition('attachment; filename="a \\"quoted\\" name.json"')).toBe('a "quoted" name.json');
  });
  it('drops path parts and answers null when there is no name', () => {
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(filenameFromDisposition('attachment')).toBeNull();
    expect(filenameFromDisposition(null)).toBeNull();
    expect(filenameFromDisposition(`attachment; filename*=UTF-8''%E0%A4%A; filename="ok.pb"`)).toBe('ok.pb');
  });
});

describe('export requests', () => {
  it('build the URL for a forum or a cycle narrowed by level and region', () => {
    expect(exportUrl('xlsx', { forum: 12 })).toBe('/export?format=xlsx&forum=12');
    expect(exportUrl('pdf', { cycle: 1, level: 'KECAMATAN', region: 7 })).toBe('/export?format=pdf&cycle=1&level=KECAMATAN&region=7');
    expect(exportUrl('csv', { cycle: 1, level: null, region: null })).toBe('/export?format=csv&cycle=1');
    expect(fallbackName('pdf', { forum: 3 })).toBe('berita-acara-forum-3.pdf');
  });
  it('turn a refusal into a typed error, from the JSON body or the status', async () => {
    const json = new Response(JSON.stringify({ errors: [{ message: 'the forum is not closed yet', extensions: { code: 'FORBIDDEN' } }] }), { status: 403 });
    expect(await exportError(json)).toMatchObject({ code: 'FORBIDDEN', message: 'the forum is not closed yet' });
    const fields = new Response(JSON.stringify({ errors: [{ message: 'invalid', extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'format', code: 'invalid', message: 'must be csv, xlsx, json, pdf or pb' }] } }] }), { status: 400 });
    expect((await exportError(fields)).fields[0].field).toBe('format');
    expect((await exportError(new Response('<html>', { status: 404 }))).code).toBe('NOT_FOUND');
    expect((await exportError(new Response('', { status: 500 }))).code).toBe('INTERNAL_SERVER_ERROR');
    // A proxy in front of a restarting server, or the server without its database.
    expect((await exportError(new Response('', { status: 502 }))).code).toBe('UNAVAILABLE');
    const busy = new Response(JSON.stringify({ errors: [{ message: 'the server cannot reach its database; try again in 5 seconds', extensions: { code: 'UNAVAILABLE', retryAfterSeconds: 5 } }] }), {
      status: 503,
      headers: { 'retry-after': '5' },
    });
    expect(await exportError(busy)).toMatchObject({ code: 'UNAVAILABLE', retryAfterSeconds: 5 });
    expect(await exportError(new Response('', { status: 503, headers: { 'retry-after': '7' } }))).toMatchObject({ code: 'UNAVAILABLE', retryAfterSeconds: 7 });
  });
  it('send the bearer token and save the blob under the server’s name', async () => {
    const fetchImpl = vi.fn(async () => new Response(new Uint8Array([0x50, 0x4b, 3, 4]), { status: 200, headers: { 'content-disposition': 'attachment; filename="daftar-prioritas-x.xlsx"' } }));
    const created: string[] = [];
    const clicks: string[] = [];
    URL.createObjectURL = vi.fn(() => {
      created.push('blob:1');
      return 'blob:1';
    });
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    const result = await downloadExport('xlsx', { forum: 4 }, 'tok', fetchImpl as unknown as typeof fetch);
    expect(result).toEqual({ ok: true, name: 'daftar-prioritas-x.xlsx' });
    expect(fetchImpl).toHaveBeenCalledWith('/export?format=xlsx&forum=4', { headers: { authorization: 'Bearer tok' } });
    expect(clicks).toEqual(['daftar-prioritas-x.xlsx']);
    expect(created).toHaveLength(1);
    click.mockRestore();
  });
  it('refuse the web app’s index page served in place of a file', async () => {
    const html = vi.fn(async () => new Response('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } }));
    const result = await downloadExport('xlsx', { forum: 1 }, null, html as unknown as typeof fetch);
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
  it('report a network failure', async () => {
    const failing = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const result = await downloadExport('csv', { cycle: 1 }, null, failing as unknown as typeof fetch);
    expect(result).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    expect(failing).toHaveBeenCalledWith('/export?format=csv&cycle=1', { headers: {} });
  });
});
