// A proposal's attachments: photos as thumbnails (a draft's through the session, into blob:
// URLs, since an <img> cannot send the Authorization header), documents as links, and for
// whoever may add some, a file picker and a camera button that upload straight away.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fieldMessage, type ApiError, type FieldProblem } from '../lib/errors';
import { formatNumber } from '../lib/format';
import { label, t } from '../lib/i18n';
import { tokenStore } from '../lib/session';
import { ACCEPT, MAX_FILES, PHOTO_TYPES, authorizedObjectUrl, localFileError, prepareFile, uploadFile, type UploadedAttachment } from '../lib/upload';
import { ErrorBox, Loading, SafeLink, announce } from './ui';

export type AttachmentRow = Pick<UploadedAttachment, 'id' | 'kind' | 'fileName' | 'contentType' | 'sizeBytes' | 'url'>;

export const isMedia = (url: string) => /^\/media\/\d+\/?$/.test(url);
const thumbOf = (url: string) => `${url.replace(/\/$/, '')}/thumb`;
const kb = (bytes: number) => formatNumber(Math.max(1, Math.round(bytes / 1024)));

/** A file problem (type, size, count, unreadable) in the reader's language. */
export function fileProblemText(problem: FieldProblem): string {
  switch (problem.code) {
    case 'type':
    case 'size':
    case 'count':
    case 'unreadable':
      return t(`upload.error.${problem.code}`, { max: MAX_FILES });
    default:
      return fieldMessage(problem);
  }
}

/** An image from the server, through the session when `authorized` (or when loading it plainly fails). */
export function useImageSrc(url: string | null, authorized: boolean): [string | null, () => void, boolean] {
  const [viaSession, setViaSession] = useState(authorized);
  const [src, setSrc] = useState<string | null>(authorized ? null : url);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!url) return;
    if (!viaSession) {
      setSrc(url);
      return;
    }
    let objectUrl: string | null = null;
    let live = true;
    authorizedObjectUrl(url, tokenStore.get()).then(
      (u) => {
        if (live) setSrc((objectUrl = u));
        else URL.revokeObjectURL(u);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url, viaSession]);
  const onError = () => {
    if (!viaSession && tokenStore.get()) setViaSession(true);
    else setFailed(true);
  };
  return [src, onError, failed];
}

/**
 * A photo as a thumbnail: a link to the full picture, or (`authorized`: it needs the session)
 * a button that shows it in the page. `compact` (a comment's photos): the thumbnail only, with
 * `alt` as its text instead of the file name, and no caption.
 */
export function Photo({ a, authorized, alt, compact = false }: { a: AttachmentRow; authorized: boolean; alt?: string; compact?: boolean }) {
  const [thumb, onThumbError, thumbFailed] = useImageSrc(thumbOf(a.url), authorized);
  const [open, setOpen] = useState(false);
  const [full, onFullError, fullFailed] = useImageSrc(open && authorized ? a.url : null, authorized);
  const text = alt ?? a.fileName;
  const image = thumbFailed ? (
    <span class="attachment__nothumb">{compact ? `${text}: ${t('upload.thumbFailed')}` : t('upload.thumbFailed')}</span>
  ) : (
    thumb && <img class="attachment__thumb" src={thumb} alt={text} width={96} height={96} loading="lazy" onError={onThumbError} />
  );
  return (
    <div class={`attachment attachment--photo${compact ? ' attachment--compact' : ''}`}>
      {authorized ? (
        // The full picture needs the session too: shown here, in the page, on tap.
        <button type="button" class="attachment__open" aria-expanded={open} aria-label={t('upload.open', { name: text })} onClick={() => setOpen(!open)}>
          {image}
        </button>
      ) : compact ? (
        <a class="attachment__open" href={a.url}>
          {image}
          <span class="visually-hidden"> {t('commentPhotos.full')}</span>
        </a>
      ) : (
        <a class="attachment__open" href={a.url} aria-label={t('upload.open', { name: a.fileName })}>
          {image}
        </a>
      )}
      {!compact && (
        <span>
          {a.fileName} ({label('attachment', a.kind)}, {kb(a.sizeBytes)} KB)
        </span>
      )}
      {open && (
        <figure class="attachment__full">
          {fullFailed ? <p>{t('upload.thumbFailed')}</p> : full ? <img src={full} alt={text} onError={onFullError} /> : <Loading />}
          <button type="button" class="button button--small button--secondary" onClick={() => setOpen(false)}>
            {t('common.close')}
          </button>
        </figure>
      )}
    </div>
  );
}

/**
 * A picture at a /media/ address (an implementation report's photo): its thumbnail linking to
 * the full file; when no thumbnail comes (a PDF), a plain link. Other addresses: a link.
 */
export function MediaThumb({ url, alt, linkText }: { url: string; alt: string; linkText: string }) {
  const [failed, setFailed] = useState(false);
  if (!isMedia(url) || failed) {
    return <SafeLink url={url} newTab={!isMedia(url)}>{linkText}</SafeLink>;
  }
  return (
    <a class="attachment__open media-thumb" href={url}>
      <img class="attachment__thumb" src={thumbOf(url)} alt={alt} width={96} height={96} loading="lazy" onError={() => setFailed(true)} />
    </a>
  );
}

export function Attachments({
  proposalId,
  attachments,
  canAdd,
  isPublic,
  onAdded,
}: {
  proposalId: number;
  attachments: AttachmentRow[];
  canAdd: boolean;
  /** Whether the proposal's files load without the session (not a draft). */
  isPublic: boolean;
  onAdded?: () => void;
}) {
  const [added, setAdded] = useState<AttachmentRow[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const errorRef = useRef<HTMLParagraphElement>(null);
  const list = [...attachments, ...added.filter((a) => !attachments.some((b) => b.id === a.id))];
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);
  if (list.length === 0 && !canAdd) return null;

  const pick = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const chosen = input.files?.[0];
    if (!chosen || busy) return;
    setError(null);
    try {
      if (list.length >= MAX_FILES) {
        setError({ code: 'BAD_USER_INPUT', message: 'invalid input', fields: [{ field: 'file', code: 'count', message: `at most ${MAX_FILES} files a proposal` }] });
        return;
      }
      setBusy(t('upload.preparing', { name: chosen.name }));
      const file = await prepareFile(chosen);
      const problem = localFileError(file);
      if (problem) {
        setError(problem);
        return;
      }
      setBusy(t('upload.sending', { name: file.name, size: kb(file.size) }));
      const kind = PHOTO_TYPES.includes(file.type) ? 'PHOTO' : 'DOCUMENT';
      const result = await uploadFile(proposalId, kind, file);
      if (result.error) {
        setError(result.error);
        return;
      }
      setAdded((prev) => [...prev, result.attachment]);
      announce(t('upload.done', { name: result.attachment.fileName }));
      onAdded?.();
    } finally {
      setBusy(null);
      input.value = '';
    }
  };
  const fileProblem = error?.fields.find((f) => f.field === 'file');

  return (
    <section class="card" aria-labelledby="att-heading">
      <h2 id="att-heading">{t('proposal.attachments')}</h2>
      {list.length > 0 && (
        <ul class="list attachments">
          {list.map((a) => (
            <li key={a.id}>
              {a.contentType.startsWith('image/') && isMedia(a.url) ? (
                <Photo a={a} authorized={!isPublic} />
              ) : (
                <>
                  <SafeLink url={a.url}>{a.fileName}</SafeLink> ({label('attachment', a.kind)}, {kb(a.sizeBytes)} KB)
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {canAdd && (
        <div class="stack upload">
          <p class="hint" id="att-hint">
            {t('upload.hint', { max: MAX_FILES })}
          </p>
          <div class="button-row">
            <span class="file-pick">
              <input id="att-file" type="file" accept={ACCEPT} aria-describedby="att-hint" disabled={!!busy} onChange={pick} />
              <label for="att-file" class="button button--secondary">
                {t('upload.add')}
              </label>
            </span>
            <span class="file-pick">
              <input id="att-camera" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" aria-describedby="att-hint" disabled={!!busy} onChange={pick} />
              <label for="att-camera" class="button button--secondary">
                {t('upload.camera')}
              </label>
            </span>
          </div>
          {busy && <Loading text={busy} />}
          {fileProblem ? (
            <p class="alert alert--error" role="alert" tabIndex={-1} ref={errorRef} data-testid="upload-error">
              {fileProblemText(fileProblem)}
            </p>
          ) : (
            <ErrorBox error={error} />
          )}
        </div>
      )}
    </section>
  );
}
