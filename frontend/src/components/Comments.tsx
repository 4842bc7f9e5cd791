import { useClient, useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorBox, Field, Notice, announce } from './ui';
import { PendingComments } from './Outbox';
import { Photo, isMedia } from './Attachments';
import { FilePicker, UploadProgress } from './FilePicker';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { t } from '../lib/i18n';
import { submitWrite } from '../lib/outbox';
import { onlineStore } from '../lib/online';
import { useStore } from '../lib/store';
import { MAX_COMMENT_PHOTOS, sendFiles, uploadCommentPhoto, type FileProgress } from '../lib/upload';
import { HIDE_COMMENT } from '../lib/documents/proposals';
import { Link } from '../lib/router';
import { useMe } from '../lib/session';
import type { CommentFieldsFragment } from '../lib/generated/graphql';

/** A comment as the proposal and `addComment` load it (the `CommentFields` fragment). */
export type CommentData = CommentFieldsFragment;

export interface CommentNode extends CommentData {
  replies: CommentNode[];
}

/** Builds the reply tree; replies whose parent is missing stay at the top level. */
export function threadComments(comments: CommentData[]): CommentNode[] {
  const nodes = new Map<number, CommentNode>(comments.map((c) => [c.id, { ...c, replies: [] }]));
  const roots: CommentNode[] = [];
  for (const c of comments) {
    const node = nodes.get(c.id)!;
    const parent = c.parentId !== null ? nodes.get(c.parentId) : undefined;
    if (parent) parent.replies.push(node);
    else roots.push(node);
  }
  return roots;
}

/** Photos may be added to a comment this long after it was written (the server's rule). */
export const COMMENT_PHOTO_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Whether `viewerId` may still add photos to the comment (its author, while it is new, shown and not full). */
export function mayAddPhotos(c: CommentData, viewerId: number | null | undefined, now: number = Date.now()): boolean {
  if (viewerId == null || c.author?.id !== viewerId || c.hidden) return false;
  const written = Date.parse(c.createdAt);
  if (!Number.isFinite(written) || now - written >= COMMENT_PHOTO_WINDOW_MS) return false;
  return (c.attachments ?? []).length < MAX_COMMENT_PHOTOS;
}

/** Sends chosen photos to a comment, one by one, reporting each step; resolves with how many failed. */
export async function sendCommentPhotos(commentId: number, files: File[], onProgress: (p: FileProgress[]) => void): Promise<number> {
  const results = await sendFiles(files, (file) => uploadCommentPhoto(commentId, file), onProgress);
  return results.filter((r) => r.step === 'failed').length;
}

function CommentPhotos({ c }: { c: CommentData }) {
  const photos = (c.attachments ?? []).filter((a) => a.contentType.startsWith('image/') && isMedia(a.url));
  if (photos.length === 0) return null;
  const name = c.author?.name ?? '—';
  return (
    <ul class="comment__photos" aria-label={t('commentPhotos.list', { name })}>
      {photos.map((a, i) => (
        <li key={a.id}>
          {/* A hidden comment's photos (seen by the forum's staff only) need the session. */}
          <Photo a={a} authorized={c.hidden} compact alt={t('commentPhotos.alt', { n: i + 1, name })} />
        </li>
      ))}
    </ul>
  );
}

/** "Tambah foto" on one's own new comment: photos that failed or waited for the connection. */
function AddPhotosForm({ c, onDone }: { c: CommentData; onDone: (keepOpen: boolean) => void }) {
  const room = MAX_COMMENT_PHOTOS - (c.attachments ?? []).length;
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<FileProgress[] | null>(null);
  const [sending, setSending] = useState(false);
  return (
    <form
      noValidate
      class="comment-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (sending || files.length === 0) return;
        setSending(true);
        const chosen = files;
        const failed = await sendCommentPhotos(c.id, chosen, setProgress);
        setSending(false);
        setFiles([]);
        if (failed === 0) {
          announce(t('commentPhotos.added', { n: chosen.length }));
          setProgress(null);
        } else {
          announce(t('filePick.someFailedComment', { n: failed, total: chosen.length }));
        }
        onDone(failed > 0);
      }}
    >
      <FilePicker
        idPrefix={`add-photos-${c.id}`}
        legend={t('commentPhotos.add')}
        hint={t('commentPhotos.hint', { max: room })}
        files={files}
        onChange={setFiles}
        max={room}
        photosOnly
        disabled={sending}
      />
      <UploadProgress progress={progress} context="comment" max={MAX_COMMENT_PHOTOS} idPrefix={`add-photos-${c.id}`} />
      <button type="submit" class="button button--small" disabled={sending || files.length === 0}>
        {t('commentPhotos.send')}
      </button>
    </form>
  );
}

function CommentForm({
  proposalId,
  proposalTitle,
  parentId,
  onDone,
  idPrefix,
  labelText,
}: {
  proposalId: number;
  proposalTitle?: string;
  parentId: number | null;
  /** After sending; `keepOpen` when some photos could not be sent (the form says which). */
  onDone: (keepOpen: boolean) => void;
  idPrefix: string;
  labelText: string;
}) {
  const client = useClient();
  const me = useMe();
  const online = useStore(onlineStore);
  const [body, setBody] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [progress, setProgress] = useState<FileProgress[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [sending, setSending] = useState(false);
  const fe = fieldErrors(error);
  return (
    <form noValidate
      class="comment-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!me || sending) return;
        // Through the offline queue, with an idempotency key: without a connection (or an
        // answer) the comment waits on the phone and is sent once when it can be. Its photos
        // are not queued (files do not fit the phone's queue): they go only once the comment is
        // here, and a queued comment says so (the author adds them on the comment later).
        setSending(true);
        setProgress(null);
        const chosen = photos;
        const outcome = await submitWrite(client, me.id, {
          kind: 'comment',
          proposalId,
          parentId,
          body,
          proposalTitle: proposalTitle ?? null,
          ...(chosen.length ? { photosLeft: chosen.length } : {}),
        });
        if (outcome.status === 'refused') {
          setSending(false);
          return setError(outcome.error);
        }
        setError(null);
        setBody('');
        setPhotos([]);
        if (outcome.status === 'queued') {
          setSending(false);
          announce(chosen.length ? `${t('outbox.queuedComment')} ${t('commentPhotos.notQueued', { n: chosen.length })}` : t('outbox.queuedComment'));
          return onDone(false);
        }
        const failed = chosen.length && outcome.comment?.id != null ? await sendCommentPhotos(outcome.comment.id, chosen, setProgress) : 0;
        setSending(false);
        if (failed === 0) {
          setProgress(null);
          announce(chosen.length ? t('commentPhotos.sent', { n: chosen.length }) : t('comments.added'));
        } else {
          announce(t('filePick.someFailedComment', { n: failed, total: chosen.length }));
        }
        // The comment is there either way; a form with photos that failed stays open to say so.
        onDone(failed > 0);
      }}
    >
      <ErrorBox error={error && !fe.body ? error : null} />
      <Field id={`${idPrefix}-body`} label={labelText} error={fe.body} required>
        {(a) => <textarea {...a} rows={3} maxLength={2000} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}
      </Field>
      <FilePicker
        idPrefix={`${idPrefix}-photos`}
        legend={t('commentPhotos.legend')}
        hint={t('commentPhotos.hint', { max: MAX_COMMENT_PHOTOS })}
        files={photos}
        onChange={setPhotos}
        max={MAX_COMMENT_PHOTOS}
        photosOnly
        disabled={sending}
      />
      {!online && photos.length > 0 && <Notice kind="warning">{t('commentPhotos.offline')}</Notice>}
      <UploadProgress progress={progress} context="comment" max={MAX_COMMENT_PHOTOS} idPrefix={`${idPrefix}-photos`} />
      <button type="submit" class="button button--small" disabled={sending || !body.trim()}>
        {t('comments.send')}
      </button>
    </form>
  );
}

function HideForm({ commentId, onDone }: { commentId: number; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [state, hide] = useMutation(HIDE_COMMENT);
  const fe = fieldErrors(error);
  return (
    <form noValidate
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const result = await hide({ commentId, reason });
        const problem = toApiError(result.error);
        setError(problem);
        if (!problem) {
          announce(t('comments.hiddenDone'));
          onDone();
        }
      }}
    >
      <ErrorBox error={error && !fe.reason ? error : null} />
      <Field id={`hide-${commentId}-reason`} label={t('comments.hideReason')} error={fe.reason} required>
        {(a) => <input {...a} type="text" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
      </Field>
      <div class="button-row">
        <button type="submit" class="button button--danger button--small" disabled={state.fetching}>
          {t('comments.hideConfirm')}
        </button>
        <button type="button" class="button button--secondary button--small" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function CommentItem({
  c,
  proposalId,
  proposalTitle,
  canWrite,
  isStaff,
  refresh,
}: {
  c: CommentNode;
  proposalId: number;
  proposalTitle?: string;
  canWrite: boolean;
  isStaff: boolean;
  refresh: () => void;
}) {
  const me = useMe();
  const [mode, setMode] = useState<'none' | 'reply' | 'hide' | 'photos'>('none');
  const canAddPhotos = mayAddPhotos(c, me?.id);
  return (
    <li class={`comment${c.hidden ? ' comment--hidden' : ''}`} id={`komentar-${c.id}`}>
      <article aria-label={t('comments.by', { name: c.author?.name ?? '—' })}>
        <header class="comment__head">
          <strong>{c.author?.name ?? '—'}</strong> <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
        </header>
        {c.hidden ? (
          <div class="comment__hidden">
            <p>
              <em>{t('comments.hiddenNotice', { reason: c.hiddenReason ?? '—' })}</em>
            </p>
            {c.body && (
              <p class="muted">
                {t('comments.staffSees')} {c.body}
              </p>
            )}
          </div>
        ) : (
          <p class="comment__body">{c.body}</p>
        )}
        <CommentPhotos c={c} />
        <div class="comment__actions">
          {canWrite && (
            <button type="button" class="button button--link" aria-expanded={mode === 'reply'} onClick={() => setMode(mode === 'reply' ? 'none' : 'reply')}>
              {t('comments.reply')}
            </button>
          )}
          {isStaff && !c.hidden && (
            <button type="button" class="button button--link" aria-expanded={mode === 'hide'} onClick={() => setMode(mode === 'hide' ? 'none' : 'hide')}>
              {t('comments.hide')}
            </button>
          )}
          {canAddPhotos && (
            <button type="button" class="button button--link" aria-expanded={mode === 'photos'} onClick={() => setMode(mode === 'photos' ? 'none' : 'photos')}>
              {t('commentPhotos.add')}
            </button>
          )}
        </div>
        {mode === 'reply' && (
          <CommentForm
            proposalId={proposalId}
            proposalTitle={proposalTitle}
            parentId={c.id}
            idPrefix={`reply-${c.id}`}
            labelText={t('comments.replyTo', { name: c.author?.name ?? '—' })}
            onDone={(keepOpen) => {
              if (!keepOpen) setMode('none');
              refresh();
            }}
          />
        )}
        {mode === 'photos' && (
          <AddPhotosForm
            c={c}
            onDone={(keepOpen) => {
              if (!keepOpen) setMode('none');
              refresh();
            }}
          />
        )}
        {mode === 'hide' && (
          <HideForm
            commentId={c.id}
            onDone={() => {
              setMode('none');
              refresh();
            }}
          />
        )}
      </article>
      {c.replies.length > 0 && (
        <ul class="comment-list comment-list--replies">
          {c.replies.map((r) => (
            <CommentItem key={r.id} c={r} proposalId={proposalId} proposalTitle={proposalTitle} canWrite={canWrite} isStaff={isStaff} refresh={refresh} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function Comments({
  proposalId,
  proposalTitle,
  comments,
  signedIn,
  isDraft,
  isStaff,
  refresh,
}: {
  proposalId: number;
  /** For the offline queue's list ("Komentar pada usulan …"). */
  proposalTitle?: string;
  comments: CommentData[];
  signedIn: boolean;
  isDraft: boolean;
  isStaff: boolean;
  refresh: () => void;
}) {
  const tree = threadComments(comments);
  const canWrite = signedIn && !isDraft;
  return (
    <section aria-labelledby="comments-heading" class="card">
      <h2 id="comments-heading">
        {t('comments.title')} ({comments.filter((c) => !c.hidden).length})
      </h2>
      {tree.length === 0 ? <p>{t('comments.none')}</p> : (
        <ul class="comment-list">
          {tree.map((c) => (
            <CommentItem key={c.id} c={c} proposalId={proposalId} proposalTitle={proposalTitle} canWrite={canWrite} isStaff={isStaff} refresh={refresh} />
          ))}
        </ul>
      )}
      {signedIn && <PendingComments proposalId={proposalId} onSentHere={refresh} />}
      {canWrite ? (
        <CommentForm proposalId={proposalId} proposalTitle={proposalTitle} parentId={null} idPrefix="new-comment" labelText={t('comments.new')} onDone={refresh} />
      ) : !signedIn ? (
        <p>
          <Link href={`/masuk?next=/usulan/${proposalId}`}>{t('nav.login')}</Link> {t('comments.loginToComment')}
        </p>
      ) : isDraft ? (
        <p class="muted">{t('comments.draftClosed')}</p>
      ) : null}
    </section>
  );
}
