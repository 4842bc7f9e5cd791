import { useClient } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { codeMessage, detailMessage, fieldMessage, hasUsefulDetail, type ApiError } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { label, t } from '../lib/i18n';
import { onlineStore } from '../lib/online';
import { discard, dismissSent, firstTryStore, itemsOf, onSent, outboxStore, retryItem, sendNow, sentStore, watchOutbox, type OutboxItem, type SentNote } from '../lib/outbox';
import { Link } from '../lib/router';
import { useMe } from '../lib/session';
import { useStore } from '../lib/store';
import { announce } from './ui';

// Here before it had a module of its own (the pages showing it are on the first screen).
export { LastSeenNote } from './LastSeenNote';

const excerpt = (text: string, n = 90) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
const when = (ms: number) => formatDateTime(new Date(ms).toISOString());

function sentText(note: SentNote): string {
  if (note.kind === 'comment') return t('outbox.sentComment', { text: excerpt(note.text, 60) });
  if (note.kind === 'report') return t('outbox.sentReport', { text: note.text });
  return note.submitted === false ? t('outbox.sentDraft', { text: note.text }) : t('outbox.sentProposal', { text: note.text });
}

/** Runs the signed-in person's queue (lib/outbox.ts) and says what it sent. */
export function OutboxRunner() {
  const client = useClient();
  const me = useMe();
  useEffect(() => (me ? watchOutbox(client, me.id) : undefined), [client, me?.id]);
  useEffect(() => onSent((note) => announce(sentText(note))), []);
  return null;
}

/** The server's reason, in the reader's language, field by field where it names them. */
export function Refusal({ error }: { error: ApiError }) {
  return (
    <div class="outbox__refusal">
      <p>{codeMessage(error.code, undefined, error.retryAfterSeconds)}</p>
      {hasUsefulDetail(error) && <p>{detailMessage(error)}</p>}
      {error.fields.length > 0 && (
        <ul>
          {error.fields.map((f) => (
            <li key={f.field + f.code}>
              {label('fieldName', f.field)}: {fieldMessage(f)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function itemKind(item: OutboxItem): string {
  if (item.kind === 'comment') return item.parentId ? t('outbox.reply') : t('outbox.comment');
  if (item.kind === 'report') return t('outbox.report');
  return item.submit ? t('outbox.proposalSubmit') : t('outbox.proposal');
}

function ItemView({ item, onRetry }: { item: OutboxItem; onRetry: () => void }) {
  const text = item.kind === 'comment' ? item.body : item.title;
  return (
    <li class={`outbox__item${item.state === 'refused' ? ' outbox__item--refused' : ''}`} data-testid="outbox-item">
      <p class="outbox__what">
        <strong>{itemKind(item)}</strong>{' '}
        {item.kind === 'comment' && (
          <Link href={`/usulan/${item.proposalId}`}>{item.proposalTitle ? t('outbox.on', { title: item.proposalTitle }) : t('outbox.onNumber', { id: item.proposalId })}</Link>
        )}
      </p>
      <p class="outbox__text">“{excerpt(text)}”</p>
      <p class="outbox__meta">{t('outbox.writtenAt', { time: when(item.createdAt) })}</p>
      {item.state === 'refused' && item.error ? (
        <div class="outbox__problem">
          <p>
            <strong>{t('outbox.refused')}</strong>
          </p>
          <Refusal error={item.error} />
        </div>
      ) : (
        <p class="outbox__state">
          {item.error && item.error.code !== 'NETWORK' ? t('outbox.waitingBusy', { reason: codeMessage(item.error.code, undefined, item.error.retryAfterSeconds) }) : t('outbox.waiting')}
        </p>
      )}
      <div class="button-row">
        {item.state === 'refused' && (
          <button type="button" class="button button--secondary button--small" onClick={onRetry}>
            {t('outbox.retry')}
          </button>
        )}
        <button
          type="button"
          class="button button--secondary button--small"
          aria-label={t('outbox.removeLabel', { text: excerpt(text, 40) })}
          onClick={() => {
            discard(item.key);
            announce(t('outbox.removed'));
          }}
        >
          {t('outbox.remove')}
        </button>
      </div>
    </li>
  );
}

/**
 * "Menunggu dikirim (2)" under the header on every page while the signed-in person has
 * writes on the phone that the server has not got; each can be removed, a refused one shows
 * why (and opens the list by itself). What the queue sent shows here too, with a link.
 */
export function OutboxPanel() {
  const client = useClient();
  const me = useMe();
  const items = itemsOf(useStore(outboxStore), me?.id, useStore(firstTryStore));
  const notes = useStore(sentStore);
  const online = useStore(onlineStore);
  const [open, setOpen] = useState<boolean | null>(null);
  if (!me || (items.length === 0 && notes.length === 0)) return null;
  const refused = items.filter((i) => i.state === 'refused').length;
  const waiting = items.length - refused;
  const shown = open ?? refused > 0;
  return (
    <section class="outbox" aria-labelledby="outbox-title">
      {items.length > 0 && (
        <div class="outbox__bar">
          <p class="outbox__title" id="outbox-title">
            {t('outbox.title', { n: items.length })}
            {refused > 0 && <span class="outbox__refused-count"> · {t('outbox.refusedCount', { n: refused })}</span>}
          </p>
          <button type="button" class="button button--link" aria-expanded={shown} aria-controls="outbox-list" onClick={() => setOpen(!shown)}>
            {shown ? t('outbox.hide') : t('outbox.show')}
          </button>
          {online && waiting > 0 && (
            <button type="button" class="button button--small" onClick={() => void sendNow(client, me.id)}>
              {t('outbox.sendNow')}
            </button>
          )}
        </div>
      )}
      {items.length > 0 && shown && (
        <div id="outbox-list">
          <p class="outbox__lead">{t('outbox.lead')}</p>
          <ul class="outbox__list">
            {items.map((item) => (
              <ItemView key={item.key} item={item} onRetry={() => void retryItem(client, me.id, item.key)} />
            ))}
          </ul>
        </div>
      )}
      {items.length === 0 && (
        <p class="visually-hidden" id="outbox-title">
          {t('outbox.sentTitle')}
        </p>
      )}
      {notes.map((note) => (
        <div class="alert alert--success outbox__sent" key={note.key}>
          <span>{sentText(note)}</span> <Link href={note.kind === 'report' ? `/laporan/${note.proposalId}` : `/usulan/${note.proposalId}`}>{t('outbox.open')}</Link>{' '}
          <button type="button" class="button button--link" onClick={() => dismissSent(note.key)}>
            {t('common.close')}
          </button>
        </div>
      ))}
    </section>
  );
}

/** The person's comments on this proposal that wait in the queue, under the comment form. */
export function PendingComments({ proposalId, onSentHere }: { proposalId: number; onSentHere: () => void }) {
  const me = useMe();
  const items = itemsOf(useStore(outboxStore), me?.id, useStore(firstTryStore)).filter((i) => i.kind === 'comment' && i.proposalId === proposalId);
  const refresh = useRef(onSentHere);
  refresh.current = onSentHere;
  useEffect(() => onSent((note) => note.kind === 'comment' && note.proposalId === proposalId && refresh.current()), [proposalId]);
  if (items.length === 0) return null;
  return (
    <div class="pending-comments">
      <h3>{t('outbox.pendingHere')}</h3>
      <ul class="comment-list">
        {items.map((i) => (
          <li key={i.key} class={`comment comment--pending${i.state === 'refused' ? ' comment--refused' : ''}`} data-testid="pending-comment">
            <p class="comment__body">{i.kind === 'comment' ? i.body : ''}</p>
            {i.state === 'refused' && i.error ? (
              <div class="outbox__problem">
                <p>
                  <strong>{t('outbox.refused')}</strong>
                </p>
                <Refusal error={i.error} />
              </div>
            ) : (
              <p class="outbox__state">{t('outbox.waiting')}</p>
            )}
            {i.kind === 'comment' && (i.photosLeft ?? 0) > 0 && (
              <p class="hint" data-testid="pending-comment-photos">
                {t('commentPhotos.notQueued', { n: i.photosLeft ?? 0 })}
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
