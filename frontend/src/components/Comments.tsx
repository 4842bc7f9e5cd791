import { useClient, useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorBox, Field, announce } from './ui';
import { PendingComments } from './Outbox';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { t } from '../lib/i18n';
import { submitWrite } from '../lib/outbox';
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
  onDone: () => void;
  idPrefix: string;
  labelText: string;
}) {
  const client = useClient();
  const me = useMe();
  const [body, setBody] = useState('');
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
        // answer) the comment waits on the phone and is sent once when it can be.
        setSending(true);
        const outcome = await submitWrite(client, me.id, { kind: 'comment', proposalId, parentId, body, proposalTitle: proposalTitle ?? null });
        setSending(false);
        if (outcome.status === 'refused') return setError(outcome.error);
        setError(null);
        setBody('');
        announce(outcome.status === 'sent' ? t('comments.added') : t('outbox.queuedComment'));
        onDone();
      }}
    >
      <ErrorBox error={error && !fe.body ? error : null} />
      <Field id={`${idPrefix}-body`} label={labelText} error={fe.body} required>
        {(a) => <textarea {...a} rows={3} maxLength={2000} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}
      </Field>
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
  const [mode, setMode] = useState<'none' | 'reply' | 'hide'>('none');
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
        </div>
        {mode === 'reply' && (
          <CommentForm
            proposalId={proposalId}
            proposalTitle={proposalTitle}
            parentId={c.id}
            idPrefix={`reply-${c.id}`}
            labelText={t('comments.replyTo', { name: c.author?.name ?? '—' })}
            onDone={() => {
              setMode('none');
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
