import { useMutation } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox, Field, announce } from './ui';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { label, t, type MessageKey } from '../lib/i18n';
import { TRANSITION } from '../lib/queries';
import type { ProposalQuery } from '../lib/generated/graphql';

/** One of a proposal's `availableTransitions`. */
export type AvailableTransition = NonNullable<ProposalQuery['proposal']>['availableTransitions'][number];

const DANGER = new Set(['REJECTED', 'RETURNED', 'NOT_ACCEPTED', 'WITHDRAWN']);
/** Moves that cannot be undone and need no reason: asked again before they run. */
const CONFIRM = new Set(['WITHDRAWN']);

/**
 * One button per status the viewer may move the proposal to (from `availableTransitions`).
 * Moves that need a reason (or a merge target) open a small form first.
 */
export function TransitionActions({
  proposalId,
  transitions,
  onDone,
  idPrefix,
}: {
  proposalId: number;
  transitions: AvailableTransition[];
  onDone?: (to: string) => void;
  idPrefix: string;
}) {
  const [pending, setPending] = useState<AvailableTransition | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [noteMissing, setNoteMissing] = useState(false);
  const [note, setNote] = useState('');
  const [mergeInto, setMergeInto] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [state, transition] = useMutation(TRANSITION);
  if (transitions.length === 0) return null;
  const run = async (to: string, noteText?: string, mergedIntoId?: number) => {
    const result = await transition({ input: { proposalId, to, note: noteText || null, mergedIntoId: mergedIntoId ?? null } });
    const problem = toApiError(result.error);
    setError(problem);
    setConfirming(null);
    if (!problem) {
      setPending(null);
      setNote('');
      setDone(to);
      announce(to === 'DRAFT' ? t('transition.backToDraft') : t('transition.done', { status: label('status', to) }));
      onDone?.(to);
    }
  };
  const fe = fieldErrors(error);
  const backToDraft = transitions.some((tr) => tr.to === 'DRAFT');
  return (
    <div class="transitions">
      <ErrorBox error={error} fieldIds={{ note: `${idPrefix}-note`, mergedIntoId: `${idPrefix}-merge` }} />
      {done === 'DRAFT' && !backToDraft && (
        <p class="alert alert--info" role="status" data-testid="back-to-draft">
          {t('transition.backToDraft')}
        </p>
      )}
      {!pending && !confirming && (
        <div class="button-row">
          {transitions.map((tr) => (
            <button
              key={tr.to}
              type="button"
              class={`button ${DANGER.has(tr.to) ? 'button--danger' : tr.to === 'VERIFIED' || tr.to === 'SUBMITTED' || tr.to === 'ACCEPTED' ? '' : 'button--secondary'}`}
              disabled={state.fetching}
              aria-describedby={tr.to === 'DRAFT' ? `${idPrefix}-draft-hint` : undefined}
              onClick={() =>
                tr.noteRequired || tr.to === 'MERGED' ? (setPending(tr), setError(null)) : CONFIRM.has(tr.to) ? (setConfirming(tr.to), setError(null)) : run(tr.to)
              }
            >
              {label('action', tr.to)}
            </button>
          ))}
        </div>
      )}
      {!pending && !confirming && backToDraft && (
        <p class="hint" id={`${idPrefix}-draft-hint`}>
          {t('transition.draftHint')}
        </p>
      )}
      {confirming && <ConfirmMove to={confirming} busy={state.fetching} onConfirm={() => run(confirming)} onCancel={() => setConfirming(null)} idPrefix={idPrefix} />}
      {pending && (
        <form
          class="inline-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const missing = pending.noteRequired && note.trim() === '';
            setNoteMissing(missing);
            if (missing) {
              document.getElementById(`${idPrefix}-note`)?.focus();
              return;
            }
            run(pending.to, note.trim(), pending.to === 'MERGED' ? Number(mergeInto) || undefined : undefined);
          }}
        >
          <p>
            <strong>{label('action', pending.to)}</strong>
          </p>
          {pending.to === 'MERGED' && (
            <Field id={`${idPrefix}-merge`} label={t('transition.mergeInto')} hint={t('transition.mergeHint')} error={fe.mergedIntoId} required>
              {(a) => <input {...a} type="number" inputMode="numeric" min={1} value={mergeInto} onInput={(e) => setMergeInto(e.currentTarget.value)} />}
            </Field>
          )}
          <Field
            id={`${idPrefix}-note`}
            label={pending.noteRequired ? t('transition.noteRequired') : t('transition.note')}
            hint={t('transition.noteHint')}
            error={noteMissing ? t('field.required') : fe.note}
            required={pending.noteRequired}
          >
            {(a) => <textarea {...a} rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
          </Field>
          <div class="button-row">
            <button type="submit" class="button" disabled={state.fetching}>
              {t('transition.confirm')}
            </button>
            <button type="button" class="button button--secondary" onClick={() => (setPending(null), setNoteMissing(false))}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

/** "Batalkan usulan ini?": what the move does and that it cannot be undone, then yes or no. */
function ConfirmMove({ to, busy, onConfirm, onCancel, idPrefix }: { to: string; busy: boolean; onConfirm: () => void; onCancel: () => void; idPrefix: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div class="inline-form confirm" role="group" aria-labelledby={`${idPrefix}-confirm-q`} data-testid="confirm-move">
      <p id={`${idPrefix}-confirm-q`} tabIndex={-1} ref={ref}>
        <strong>{t(`transition.confirm.${to}` as MessageKey)}</strong>
      </p>
      <p>{t(`transition.confirmText.${to}` as MessageKey)}</p>
      <div class="button-row">
        <button type="button" class="button button--danger" disabled={busy} onClick={onConfirm}>
          {t(`transition.confirmYes.${to}` as MessageKey)}
        </button>
        <button type="button" class="button button--secondary" onClick={onCancel}>
          {t(`transition.confirmNo.${to}` as MessageKey)}
        </button>
      </div>
    </div>
  );
}
