// Files from the server's export endpoint (`GET /export`): fetched with the bearer token, then
// saved through a Blob and an object URL under the name the server gives in Content-Disposition.
import { ERROR_CODES, type ApiError, type ErrorCode, type FieldProblem } from './errors';
import { parseRetryAfter } from './retry';

export const EXPORT_PATH = '/export';
export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf', 'json', 'pb'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ExportScope = { forum: number } | { cycle: number; level?: string | null; region?: number | null };

/** "/export?format=xlsx&cycle=1&level=KECAMATAN&region=7" (empty narrowing left out). */
export function exportUrl(format: ExportFormat, scope: ExportScope): string {
  const q = new URLSearchParams({ format });
  if ('forum' in scope) q.set('forum', String(scope.forum));
  else {
    q.set('cycle', String(scope.cycle));
    if (scope.level) q.set('level', scope.level);
    if (scope.region) q.set('region', String(scope.region));
  }
  return `${EXPORT_PATH}?${q.toString()}`;
}

/**
 * The file name of a Content-Disposition header: RFC 6266's `filename*=UTF-8''…` first, then
 * `filename="…"` (with backslash escapes) or a bare token. Path parts are dropped. Null when none.
 */
export function filenameFromDisposition(header: string | null | undefined): string | null {
  if (!header) return null;
  const star = header.match(/filename\*\s*=\s*([^;]+)/i);
  if (star) {
    const value = star[1].trim().replace(/^"(.*)"$/, '$1');
    const m = value.match(/^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/);
    try {
      const name = decodeURIComponent(m ? m[2] : value);
      if (name) return baseName(name);
    } catch {
      /* malformed percent-encoding: fall back to filename= */
    }
  }
  const quoted = header.match(/(?:^|;)\s*filename\s*=\s*"((?:[^"\\]|\\.)*)"/i);
  if (quoted) return baseName(quoted[1].replace(/\\(.)/g, '$1')) || null;
  const bare = header.match(/(?:^|;)\s*filename\s*=\s*([^;\s]+)/i);
  return bare ? baseName(bare[1]) || null : null;
}

function baseName(name: string): string {
  return name.split(/[\\/]/).pop()!.trim();
}

/** A fallback name when the server gives none. */
export function fallbackName(format: ExportFormat, scope: ExportScope): string {
  const what = format === 'pdf' ? 'berita-acara' : format === 'pb' ? 'suara' : 'daftar-prioritas';
  const where = 'forum' in scope ? `forum-${scope.forum}` : `siklus-${scope.cycle}`;
  return `${what}-${where}.${format}`;
}

/** The error of a refused export: the JSON `{errors:[{message, extensions:{code, fields}}]}` or the HTTP status. */
export async function exportError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON (a proxy's page, an empty body) */
  }
  const first = (body as { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> } | null)?.errors?.[0];
  if (first) {
    const ext = first.extensions ?? {};
    const code = (ERROR_CODES as readonly string[]).includes(ext.code as string) ? (ext.code as ErrorCode) : statusCode(res.status);
    const fields = Array.isArray(ext.fields) ? (ext.fields as FieldProblem[]).filter((f) => typeof f?.field === 'string') : [];
    const retry = typeof ext.retryAfterSeconds === 'number' ? ext.retryAfterSeconds : parseRetryAfter(res.headers.get('retry-after'));
    return { code, message: first.message ?? res.statusText, fields, retryAfterSeconds: retry };
  }
  const code = statusCode(res.status);
  const retry = code === 'UNAVAILABLE' ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
  return { code, message: `HTTP ${res.status} ${res.statusText}`.trim(), fields: [], retryAfterSeconds: retry };
}

export function statusCode(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'BAD_USER_INPUT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 412:
      return 'FAILED_PRECONDITION';
    case 429:
      return 'RATE_LIMITED';
    case 502:
    case 503:
    case 504:
      return 'UNAVAILABLE';
    default:
      return 'INTERNAL_SERVER_ERROR';
  }
}

/** Saves a Blob under a name through a temporary object URL and a clicked anchor. */
export function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Downloads an export; resolves to the saved file name, or an error to show. */
export async function downloadExport(
  format: ExportFormat,
  scope: ExportScope,
  token: string | null,
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; name: string } | { ok: false; error: ApiError }> {
  let res: Response;
  try {
    res = await fetchImpl(exportUrl(format, scope), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch (e) {
    return { ok: false, error: { code: 'NETWORK', message: e instanceof Error ? e.message : String(e), fields: [] } };
  }
  if (!res.ok) return { ok: false, error: await exportError(res) };
  // A server without the endpoint answers with the web app's index page: not a file.
  if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
    return { ok: false, error: { code: 'NOT_FOUND', message: 'the server offers no export here', fields: [] } };
  }
  let blob: Blob;
  try {
    blob = await res.blob();
  } catch (e) {
    // The server aborts a stream that fails midway rather than end it as if complete.
    return { ok: false, error: { code: 'NETWORK', message: e instanceof Error ? e.message : String(e), fields: [] } };
  }
  const name = filenameFromDisposition(res.headers.get('content-disposition')) ?? fallbackName(format, scope);
  saveBlob(blob, name);
  return { ok: true, name };
}
