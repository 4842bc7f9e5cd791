// The buttons of a report's workflow (one per move of `availableMoves`, in the capacity the
// server will take it in) with the small form each needs: the reason of a refusal, the agency
// of a disposition, the note (and photos) of a follow-up or an answer, the reporter's
// confirmation of accepting or disputing the answer. And the satisfaction survey.
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import type { CatalogueQuery, RejectionReason } from '../lib/generated/graphql';
import { label, t } from '../lib/i18n';
import { SATISFACTION_ELEMENTS, indexOf, gradeOf, indexText, unanswered, type Move, type MoveAction, type SatisfactionAnswers } from '../lib/reports';
import { CATALOGUE, MOVE_REPORT, RATE_REPORT } from '../lib/queries';
import { PhotoPicker, sendReportPhotos } from './ReportParts';
import { ErrorBox, Field, Loading, Notice, announce } from './ui';

const REASONS: RejectionReason[] = ['DUPLICATE', 'NOT_OUR_AUTHORITY', 'UNCLEAR'];
const DANGER: ReadonlySet<MoveAction> = new Set(['reject', 'handBack', 'dispute']);
const PRIMARY: ReadonlySet<MoveAction> = new Set(['verify', 'dispose', 'answer', 'accept']);
/** Moves that run at once, without a form (nothing to ask, nothing to confirm). */
const DIRECT: ReadonlySet<MoveAction> = new Set(['verify']);

export function MoveActions({
  reportId,
  moves,
  categoryAgencyId,
  onDone,
  idPrefix,
}: {
  reportId: number;
  moves: Move[];
  /** The agency a first disposition goes to by default (the category's). */
  categoryAgencyId?: number | null;
  onDone: () => void;
  idPrefix: string;
}) {
  const [pending, setPending] = useState<Move | null>(null);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState<RejectionReason | ''>('');
  const [agencyId, setAgencyId] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [state, move] = useMutation(MOVE_REPORT);
  const wantsAgencies = moves.some((m) => m.agency !== 'none');
  const [catalogue] = useQuery<CatalogueQuery>({ query: CATALOGUE, pause: !wantsAgencies });
  if (moves.length === 0) return null;
  const agencies = catalogue.data?.agencies ?? [];

  const open = (m: Move) => {
    setPending(m);
    setNote('');
    setReason('');
    setAgencyId(m.action === 'dispose' && categoryAgencyId ? String(categoryAgencyId) : '');
    setPhotos([]);
    setError(null);
    setLocal({});
  };

  const run = async (m: Move) => {
    const problems: Record<string, string> = {};
    if (m.noteRequired && !note.trim()) problems.note = t('field.required');
    if (m.needsReason && !reason) problems.reason = t('field.required');
    if (m.agency === 'required' && !agencyId) problems.agencyId = t('field.required');
    setLocal(problems);
    if (Object.keys(problems).length) {
      const first = Object.keys(problems)[0];
      document.getElementById(`${idPrefix}-${first}`)?.focus();
      return;
    }
    setError(null);
    const r = await move({
      input: {
        reportId,
        to: m.to,
        note: note.trim() || null,
        reason: m.needsReason ? reason || null : null,
        agencyId: m.agency !== 'none' && agencyId ? Number(agencyId) : null,
      },
    });
    const problem = toApiError(r.error);
    if (problem) return setError(problem);
    if (photos.length) {
      const sent = await sendReportPhotos(reportId, photos, setBusy);
      setBusy(null);
      if (sent.error) setError(sent.error);
    }
    announce(t('report.moved', { status: label('report.status', m.to) }));
    setPending(null);
    onDone();
  };

  const fe = { ...fieldErrors(error), ...local };
  return (
    <div class="transitions report-moves">
      {!pending && (
        <div class="button-row">
          {moves.map((m) => (
            <button
              key={`${m.to}-${m.role}`}
              type="button"
              class={`button ${DANGER.has(m.action) ? 'button--danger' : PRIMARY.has(m.action) ? '' : 'button--secondary'}`}
              disabled={state.fetching}
              onClick={() => (DIRECT.has(m.action) ? void run(m) : open(m))}
            >
              {t(`report.action.${m.action}`)}
            </button>
          ))}
        </div>
      )}
      {!pending && <ErrorBox error={error} />}
      {pending && (
        <form
          class="inline-form stack-sm"
          noValidate
          aria-labelledby={`${idPrefix}-title`}
          onSubmit={(e) => {
            e.preventDefault();
            void run(pending);
          }}
        >
          <p id={`${idPrefix}-title`}>
            <strong>{t(`report.action.${pending.action}`)}</strong>
          </p>
          <p class="hint">{t(`report.actionHint.${pending.action}`)}</p>
          <ErrorBox error={error} fieldIds={{ note: `${idPrefix}-note`, reason: `${idPrefix}-reason`, agencyId: `${idPrefix}-agencyId` }} />
          {pending.needsReason && (
            <Field id={`${idPrefix}-reason`} label={t('report.rejectReason')} error={fe.reason} required>
              {(a) => (
                <select {...a} value={reason} onChange={(e) => setReason(e.currentTarget.value as RejectionReason)}>
                  <option value="">{t('form.choose')}</option>
                  {REASONS.map((r) => (
                    <option key={r} value={r}>
                      {label('report.reason', r)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {pending.agency !== 'none' && (
            <Field
              id={`${idPrefix}-agencyId`}
              label={t('report.agency')}
              hint={pending.agency === 'optional' ? t('report.agencyHint') : undefined}
              error={fe.agencyId}
              required={pending.agency === 'required'}
            >
              {(a) => (
                <select {...a} value={agencyId} onChange={(e) => setAgencyId(e.currentTarget.value)}>
                  <option value="">{catalogue.fetching && !catalogue.data ? t('common.loading') : pending.agency === 'optional' ? t('report.categoryAgency') : t('form.choose')}</option>
                  {agencies.map((ag) => (
                    <option key={ag.id} value={ag.id}>
                      {ag.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field
            id={`${idPrefix}-note`}
            label={pending.noteRequired ? t(`report.noteLabel.${pending.action}`) : t('transition.note')}
            hint={t('report.noteHint')}
            error={fe.note}
            required={pending.noteRequired}
          >
            {(a) => <textarea {...a} rows={4} maxLength={5000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
          </Field>
          {pending.photo && <PhotoPicker id={`${idPrefix}-photo`} files={photos} onChange={setPhotos} hint={t('report.answerPhotoHint')} />}
          {busy && <Loading text={busy} />}
          <div class="button-row">
            <button type="submit" class={`button${DANGER.has(pending.action) ? ' button--danger' : ''}`} disabled={state.fetching || !!busy}>
              {t(`report.confirm.${pending.action}`)}
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

/** The reporter rates the service once the report is closed: nine elements, 1–4 each. */
export function SatisfactionSurvey({ reportId, onDone }: { reportId: number; onDone: () => void }) {
  const [answers, setAnswers] = useState<SatisfactionAnswers>({});
  const [suggestion, setSuggestion] = useState('');
  const [missing, setMissing] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const [state, rate] = useMutation(RATE_REPORT);
  if (done) {
    return (
      <Notice kind="success">
        <span data-testid="survey-thanks">{t('report.survey.thanks')}</span>
      </Notice>
    );
  }
  const preview = indexOf(answers);
  return (
    <form
      class="stack survey"
      noValidate
      data-testid="survey"
      onSubmit={async (e) => {
        e.preventDefault();
        const left = unanswered(answers);
        setMissing(left);
        if (left.length) {
          document.getElementById(`sv-${left[0]}-1`)?.focus();
          return;
        }
        const r = await rate({ reportId, answers: { ...answers, suggestion: suggestion.trim() || null } });
        const problem = toApiError(r.error);
        setError(problem);
        if (problem) return;
        setDone(true);
        announce(t('report.survey.thanks'));
        onDone();
      }}
    >
      <p>{t('report.survey.lead')}</p>
      <ErrorBox error={error} />
      {missing.length > 0 && (
        <div class="alert alert--error" role="alert">
          {t('report.survey.missing', { n: missing.length })}
        </div>
      )}
      {SATISFACTION_ELEMENTS.map((el) => (
        <fieldset key={el} class={`radio-group survey__element${missing.includes(el) ? ' field--error' : ''}`} aria-describedby={missing.includes(el) ? `sv-${el}-error` : undefined}>
          <legend>{t(`report.survey.el.${el}`)}</legend>
          <div class="survey__scale">
            {[1, 2, 3, 4].map((v) => (
              <label key={v}>
                <input
                  type="radio"
                  id={`sv-${el}-${v}`}
                  name={`sv-${el}`}
                  value={v}
                  checked={answers[el] === v}
                  onChange={() => {
                    setAnswers((a) => ({ ...a, [el]: v }));
                    setMissing((m) => m.filter((x) => x !== el));
                  }}
                />{' '}
                {v} {t(`report.survey.scale.${v as 1 | 2 | 3 | 4}`)}
              </label>
            ))}
          </div>
          {missing.includes(el) && (
            <p class="error-text" id={`sv-${el}-error`}>
              <span aria-hidden="true">⚠ </span>
              {t('report.survey.choose')}
            </p>
          )}
        </fieldset>
      ))}
      <Field id="sv-suggestion" label={t('report.survey.suggestion')}>
        {(a) => <textarea {...a} rows={3} maxLength={2000} value={suggestion} onInput={(e) => setSuggestion(e.currentTarget.value)} />}
      </Field>
      {preview !== null && (
        <p class="hint" aria-live="polite">
          {t('report.survey.preview', { value: indexText(preview), grade: `${gradeOf(preview)} — ${label('report.grade', gradeOf(preview))}` })}
        </p>
      )}
      <div class="button-row">
        <button type="submit" class="button" disabled={state.fetching}>
          {t('report.survey.submit')}
        </button>
      </div>
    </form>
  );
}
