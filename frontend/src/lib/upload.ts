// Photo and document uploads (GraphQL multipart request spec: `operations`, `map`, the file).
// urql has no multipart support, so this is one plain fetch with the session's bearer token.
// Photos are scaled and re-encoded on the phone first: a 6 MB camera picture leaves as a few
// hundred kB, which matters on a weak signal (the server re-encodes them again anyway).
import { CombinedError, gql, stringifyDocument } from '@urql/core';
import { toApiError, type ApiError } from './errors';
import { API_PATH } from './graphql';
import type { DocumentNode } from 'graphql';
import type {
  AttachmentKind,
  UploadAttachmentMutation,
  UploadCommentPhotoMutation,
  UploadImplementationPhotoMutation,
  UploadReportPhotoMutation,
} from './generated/graphql';
import { UPLOAD_ATTACHMENT, UPLOAD_REPORT_PHOTO } from './queries';
import { tokenStore } from './session';

export const MAX_SIDE = 1600;
export const MAX_BYTES = 10 * 1024 * 1024;
export const MAX_FILES = 12;
export const ACCEPT = 'image/jpeg,image/png,image/webp,application/pdf';
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const JPEG_QUALITY = 0.82;

export type UploadedAttachment = UploadAttachmentMutation['uploadAttachment'];

/** Photos with a comment: at most this many (the server's limit), photos only. */
export const MAX_COMMENT_PHOTOS = 3;
/** Photos or PDFs with an implementation report (the server's limit). */
export const MAX_IMPLEMENTATION_FILES = 6;

/** The size an image is drawn at: at most `max` px on its longest side, never enlarged. */
export function scaledSize(width: number, height: number, max = MAX_SIDE): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) return { width: 0, height: 0 };
  const longest = Math.max(width, height);
  if (longest <= max) return { width: Math.round(width), height: Math.round(height) };
  const scale = max / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

async function decode(file: Blob): Promise<{ source: CanvasImageSource; width: number; height: number; close: () => void }> {
  if (typeof createImageBitmap === 'function') {
    try {
      // Camera pictures are often stored sideways with an EXIF orientation: draw them upright.
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      return { source: bitmap, width: bitmap.width, height: bitmap.height, close: () => bitmap.close() };
    } catch {
      // Older browsers without the options bag (or the format): fall back to an <img>.
    }
  }
  const url = URL.createObjectURL(file);
  const img = new Image();
  img.src = url;
  try {
    await img.decode();
  } catch (e) {
    URL.revokeObjectURL(url);
    throw e;
  }
  return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => URL.revokeObjectURL(url) };
}

/**
 * What is sent for a chosen file: images redrawn at most 1600 px and re-encoded as JPEG
 * (which also drops their metadata: location, camera); PDFs and anything that cannot be
 * decoded as they are (the server says what is wrong with those).
 */
export async function prepareFile(file: File): Promise<File> {
  if (!file.type.startsWith('image/')) return file;
  let image: Awaited<ReturnType<typeof decode>>;
  try {
    image = await decode(file);
  } catch {
    return file;
  }
  try {
    const size = scaledSize(image.width, image.height);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx || size.width === 0) return file;
    ctx.drawImage(image.source, 0, 0, size.width, size.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
    // A small PNG can come out larger as a JPEG: keep whichever is smaller. Never a JPEG or
    // WebP as it came: those carry the camera's metadata (EXIF, with its GPS position).
    if (!blob) return file;
    if (blob.size >= file.size && file.type === 'image/png' && Math.max(image.width, image.height) <= MAX_SIDE) return file;
    const name = file.name.replace(/\.[^./\\]*$/, '') || 'foto';
    return new File([blob], `${name}.jpg`, { type: 'image/jpeg' });
  } finally {
    image.close();
  }
}

/** A problem with the file itself, found before anything is sent (same shape as the server's). */
export function localFileError(file: Blob): ApiError | null {
  if (!PHOTO_TYPES.includes(file.type) && file.type !== 'application/pdf') {
    return { code: 'BAD_USER_INPUT', message: 'invalid input', fields: [{ field: 'file', code: 'type', message: 'must be a JPEG, PNG or WebP photo or a PDF' }] };
  }
  if (file.size > MAX_BYTES) {
    return { code: 'BAD_USER_INPUT', message: 'invalid input', fields: [{ field: 'file', code: 'size', message: 'must be at most 10 MB' }] };
  }
  return null;
}

export type UploadResult = { attachment: UploadedAttachment; error: null } | { attachment: null; error: ApiError };

/** Sends one file as the `file` variable of `uploadAttachment`. */
export async function uploadFile(
  proposalId: number,
  kind: AttachmentKind,
  file: Blob,
  options: { token?: string | null; url?: string; fileName?: string } = {},
): Promise<UploadResult> {
  const r = await sendUpload<UploadedAttachment>(UPLOAD_ATTACHMENT, { proposalId, kind }, 'uploadAttachment', file, options);
  return r.error ? { attachment: null, error: r.error } : { attachment: r.data, error: null };
}

export type UploadedReportPhoto = UploadReportPhotoMutation['uploadReportPhoto'];

// Sent as multipart requests by the functions below, like UPLOAD_ATTACHMENT (here rather than
// in queries.ts: only the lazily loaded screens that upload need them).
export const UPLOAD_COMMENT_PHOTO = gql`
  mutation UploadCommentPhoto($commentId: Int!, $file: Upload!) {
    uploadCommentPhoto(commentId: $commentId, file: $file) { id kind fileName contentType sizeBytes url createdAt commentId }
  }
`;

export const UPLOAD_IMPLEMENTATION_PHOTO = gql`
  mutation UploadImplementationPhoto($updateId: Int!, $file: Upload!) {
    uploadImplementationPhoto(updateId: $updateId, file: $file) { id kind fileName contentType sizeBytes url createdAt implementationUpdateId }
  }
`;

export type SendResult<T> = { data: T; error: null } | { data: null; error: ApiError };
export type UploadedCommentPhoto = UploadCommentPhotoMutation['uploadCommentPhoto'];
export type UploadedImplementationPhoto = UploadImplementationPhotoMutation['uploadImplementationPhoto'];

/** Sends one photo of a comment (its author, while the comment is new). */
export function uploadCommentPhoto(commentId: number, file: Blob, options: { token?: string | null; url?: string; fileName?: string } = {}): Promise<SendResult<UploadedCommentPhoto>> {
  return sendUpload<UploadedCommentPhoto>(UPLOAD_COMMENT_PHOTO, { commentId }, 'uploadCommentPhoto', file, options);
}

/** Sends one photo or PDF of an implementation report (the first one becomes its `photoUrl`). */
export function uploadImplementationPhoto(
  updateId: number,
  file: Blob,
  options: { token?: string | null; url?: string; fileName?: string } = {},
): Promise<SendResult<UploadedImplementationPhoto>> {
  return sendUpload<UploadedImplementationPhoto>(UPLOAD_IMPLEMENTATION_PHOTO, { updateId }, 'uploadImplementationPhoto', file, options);
}

export type FileProblemCode = 'type' | 'size' | 'count';

/**
 * Files chosen in a form (not yet sent), added to those already chosen: of an accepted type
 * (photos, and PDFs unless `photosOnly`), not hopelessly large (a photo is made smaller before
 * sending, so up to three times the limit may pass here), at most `max` in all. Returns the
 * new list and the last problem met, if any (the files with a problem are left out).
 */
export function acceptChosen(
  existing: readonly File[],
  chosen: readonly File[],
  { max, photosOnly = false }: { max: number; photosOnly?: boolean },
): { files: File[]; problem: FileProblemCode | null } {
  let problem: FileProblemCode | null = null;
  const ok: File[] = [];
  for (const f of chosen) {
    // Phones name some pictures image/heic and the like: drawn again as JPEG before sending,
    // where the browser can decode them (prepareFile), so any image/* passes for photos.
    const photo = PHOTO_TYPES.includes(f.type) || (photosOnly && f.type.startsWith('image/'));
    if (!photo && (photosOnly || f.type !== 'application/pdf')) problem = 'type';
    else if (f.size > MAX_BYTES * 3) problem = 'size';
    else ok.push(f);
  }
  const files = [...existing, ...ok];
  if (files.length > max) problem = 'count';
  return { files: files.slice(0, max), problem };
}

export type FileStep = 'waiting' | 'preparing' | 'sending' | 'done' | 'failed';

/** Where one chosen file is on its way: shown in the form while files are sent. */
export interface FileProgress {
  name: string;
  step: FileStep;
  /** Prepared size in bytes, once known. */
  size?: number;
  error?: ApiError;
}

/**
 * Sends chosen files one by one (each prepared first: photos scaled and re-encoded, see
 * `prepareFile`; a file with a problem of its own is not sent), reporting every step.
 * Resolves with one entry per file; a failed file does not stop the others.
 */
export async function sendFiles<T>(
  files: readonly File[],
  send: (file: File) => Promise<SendResult<T>>,
  onProgress?: (progress: FileProgress[]) => void,
): Promise<Array<FileProgress & { data?: T }>> {
  const state: Array<FileProgress & { data?: T }> = files.map((f) => ({ name: f.name, step: 'waiting' }));
  const report = (i: number, change: Partial<FileProgress & { data?: T }>) => {
    state[i] = { ...state[i], ...change };
    onProgress?.(state.map((s) => ({ ...s })));
  };
  onProgress?.(state.map((s) => ({ ...s })));
  for (let i = 0; i < files.length; i++) {
    report(i, { step: 'preparing' });
    let file: File;
    try {
      file = await prepareFile(files[i]);
    } catch {
      file = files[i];
    }
    const problem = localFileError(file);
    if (problem) {
      report(i, { step: 'failed', error: problem });
      continue;
    }
    report(i, { step: 'sending', name: file.name, size: file.size });
    let r: SendResult<T>;
    try {
      r = await send(file);
    } catch (e) {
      r = { data: null, error: { code: 'NETWORK', message: String(e), fields: [] } };
    }
    if (r.error) report(i, { step: 'failed', error: r.error });
    else report(i, { step: 'done', data: r.data });
  }
  return state;
}

/** Sends one photo (or PDF) of a report as the `file` variable of `uploadReportPhoto`. */
export function uploadReportPhoto(
  reportId: number,
  file: Blob,
  options: { token?: string | null; url?: string; fileName?: string } = {},
): Promise<{ data: UploadedReportPhoto; error: null } | { data: null; error: ApiError }> {
  return sendUpload<UploadedReportPhoto>(UPLOAD_REPORT_PHOTO, { reportId }, 'uploadReportPhoto', file, options);
}

/**
 * One GraphQL multipart request (`operations`, `map`, the file as `variables.file`) with the
 * session's bearer token; `field` is the mutation's result field.
 */
export async function sendUpload<T>(
  document: DocumentNode,
  variables: Record<string, unknown>,
  field: string,
  file: Blob,
  options: { token?: string | null; url?: string; fileName?: string } = {},
): Promise<{ data: T; error: null } | { data: null; error: ApiError }> {
  const token = options.token === undefined ? tokenStore.get() : options.token;
  const body = new FormData();
  body.append('operations', JSON.stringify({ query: stringifyDocument(document), variables: { ...variables, file: null } }));
  body.append('map', JSON.stringify({ '0': ['variables.file'] }));
  body.append('0', file, options.fileName ?? (file instanceof File ? file.name : 'file'));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    // No Content-Type: the browser writes multipart/form-data with its boundary.
    response = await fetch(options.url ?? API_PATH, { method: 'POST', headers, body });
  } catch (e) {
    return { data: null, error: toApiError(new CombinedError({ networkError: e as Error }))! };
  }
  let json: { data?: Record<string, T | null | undefined> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } | null = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  const made = json?.data?.[field];
  if (made && !json?.errors?.length) return { data: made, error: null };
  const error = new CombinedError({
    graphQLErrors: json?.errors ?? [],
    networkError: json?.errors?.length ? undefined : new Error(`HTTP ${response.status}`),
    response,
  });
  return { data: null, error: toApiError(error)! };
}

/** Fetches a file that needs the session (a draft's) into a blob: URL an <img> can show. */
export async function authorizedObjectUrl(url: string, token: string | null = tokenStore.get()): Promise<string> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}
