import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorBox, Field, announce } from './ui';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { label, t } from '../lib/i18n';
import { TRANSITION } from '../lib/queries';
import type { ProposalQuery } from '../lib/generated/graphql';

/** One of a proposal's `availableTransitions`. */
export type AvailableTransition = NonNullable<ProposalQuery['proposal']>['availableTransitions'][number];

const DANGER = new Set(['REJECTED', 'RETURNED', 'NOT_ACCEPTED', 'WITHDRAWN']);

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
  const [note, setNote] = useState('');
  const [mergeInto, setMergeInto] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [state, transition] = useMutation(TRANSITION);
  if (transitions.length === 0) return null;
  const run = async (to: string, noteText?: string, mergedIntoId?: number) => {
    const result = await transition({ input: { proposalId, to, note: noteText || null, mergedIntoId: mergedIntoId ?? null } });
    const problem = toApiError(result.error);
    setError(problem);
    if (!problem) {
      setPending(null);
      setNote('');
      announce(t('transition.done', { status: label('status', to) }));
      onDone?.(to);
    }
  };
  const fe = fieldErrors(error);
  return (
    <div class="transitions">
      <ErrorBox error={error} fieldIds={{ note: `${idPrefix}-note`, mergedIntoId: `${idPrefix}-merge` }} />
      {!pending && (
        <div class="button-row">
          {transitions.map((tr) => (
            <button
              key={tr.to}
              type="button"
              class={`button ${DANGER.has(tr.to) ? 'button--danger' : tr.to === 'VERIFIED' || tr.to === 'SUBMITTED' || tr.to === 'ACCEPTED' ? '' : 'button--secondary'}`}
              disabled={state.fetching}
              onClick={() => (tr.noteRequired || tr.to === 'MERGED' ? (setPending(tr), setError(null)) : run(tr.to))}
            >
              {label('action', tr.to)}
            </button>
          ))}
        </div>
      )}
      {pending && (
        <form
          class="inline-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
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
            error={fe.note}
            required={pending.noteRequired}
          >
            {(a) => <textarea {...a} rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
          </Field>
          <div class="button-row">
            <button type="submit" class="button" disabled={state.fetching}>
              {t('transition.confirm')}
            </button>
            <button type="button" class="button button--secondary" onClick={() => setPending(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
