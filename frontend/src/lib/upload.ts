// Photo and document uploads (GraphQL multipart request spec: `operations`, `map`, the file).
// urql has no multipart support, so this is one plain fetch with the session's bearer token.
// Photos are scaled and re-encoded on the phone first: a 6 MB camera picture leaves as a few
// hundred kB, which matters on a weak signal (the server re-encodes them again anyway).
import { CombinedError, stringifyDocument } from '@urql/core';
import { toApiError, type ApiError } from './errors';
import { API_PATH } from './graphql';
import type { DocumentNode } from 'graphql';
import type { AttachmentKind, UploadAttachmentMutation, UploadReportPhotoMutation } from './generated/graphql';
import { UPLOAD_ATTACHMENT, UPLOAD_REPORT_PHOTO } from './queries';
import { tokenStore } from './session';

export const MAX_SIDE = 1600;
export const MAX_BYTES = 10 * 1024 * 1024;
export const MAX_FILES = 12;
export const ACCEPT = 'image/jpeg,image/png,image/webp,application/pdf';
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const JPEG_QUALITY = 0.82;

export type UploadedAttachment = UploadAttachmentMutation['uploadAttachment'];

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
