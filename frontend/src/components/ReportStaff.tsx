// What staff do with a report, on its page (loaded for coordinators and the agency's staff
// only): the workflow's moves, the likely duplicates to merge it into (coordinators), and
// "Jadikan usulan": a draft proposal of the suggested forum, prefilled from the report.
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { fieldErrors, toApiError, type ApiError } from '../lib/errors';
import { formatDate, formatRupiah, parseDecimal } from '../lib/format';
import { moneyProblem, parseMoney, problemText } from '../lib/validation';
import type { CatalogueQuery, ReportQuery, ReportStaffQuery } from '../lib/generated/graphql';
import { label, t } from '../lib/i18n';
import { CATALOGUE, MERGE_REPORT, REPORT_STAFF, REPORT_TO_PROPOSAL } from '../lib/queries';
import { FINAL, distanceText, type Move } from '../lib/reports';
import { Link, navigate } from '../lib/router';
import { MoveActions } from './ReportMoves';
import { ReportStatusBadge } from './ReportParts';
import { ErrorBox, Field, Loading, announce } from './ui';

type FullReport = ReportQuery['report'];

export interface ProposalDraft {
  title: string;
  problem: string;
  solution: string;
  physical: 'yes' | 'no';
  sectorId: string;
  volume: string;
  unit: string;
  estimatedCost: string;
  beneficiaries: string;
  address: string;
}

/** The proposal form's fields, filled from the report where it says something. */
export function draftFromReport(r: Pick<FullReport, 'title' | 'body' | 'address'>): ProposalDraft {
  return {
    title: r.title.slice(0, 200),
    problem: r.body,
    solution: '',
    physical: 'yes',
    sectorId: '',
    volume: '',
    unit: '',
    estimatedCost: '',
    beneficiaries: '',
    address: r.address,
  };
}

/**
 * The checks of the proposal form (ProposalForm.tsx) that can be made here, and the
 * `CreateProposalInput` when they pass.
 */
export function checkDraft(
  d: ProposalDraft,
  where: { forumId: number; regionId: number; latitude: number | null; longitude: number | null },
): { problems: Record<string, string>; input: Record<string, unknown> | null } {
  const problems: Record<string, string> = {};
  for (const field of ['title', 'problem', 'solution', 'unit', 'address'] as const) if (!d[field].trim()) problems[field] = t('field.required');
  const volume = parseDecimal(d.volume);
  // Money as typed: a minus sign or letters are refused, never read as another amount.
  const money = parseMoney(d.estimatedCost);
  const cost = money.value;
  const beneficiaries = parseDecimal(d.beneficiaries);
  if (volume === null) problems.volume = t('form.notNumber');
  if (money.problem) problems.estimatedCost = problemText(moneyProblem(money.problem));
  else if (cost === null) problems.estimatedCost = t('field.required');
  if (beneficiaries === null) problems.beneficiaries = t('form.notNumber');
  if (Object.keys(problems).length) return { problems, input: null };
  return {
    problems,
    input: {
      forumId: where.forumId,
      title: d.title.trim(),
      problem: d.problem.trim(),
      solution: d.solution.trim(),
      physical: d.physical === 'yes',
      sectorId: d.sectorId ? Number(d.sectorId) : null,
      regionId: where.regionId,
      address: d.address.trim(),
      latitude: where.latitude,
      longitude: where.longitude,
      volume,
      unit: d.unit.trim(),
      estimatedCost: cost,
      beneficiaries: Math.round(beneficiaries ?? 0),
    },
  };
}

function Duplicates({ report, rows, onMerged }: { report: FullReport; rows: ReportStaffQuery['report']['likelyDuplicates']; onMerged: () => void }) {
  const [confirm, setConfirm] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [state, merge] = useMutation(MERGE_REPORT);
  const open = rows.filter((d) => !FINAL.has(d.report.status));
  return (
    <section class="stack-sm" aria-labelledby="dup-heading">
      <h3 id="dup-heading">{t('report.dup.title')}</h3>
      {open.length === 0 ? (
        <p class="muted">{t('report.dup.none')}</p>
      ) : (
        <>
          <p class="hint">{t('report.dup.lead')}</p>
          <ErrorBox error={error} />
          <ul class="list" data-testid="duplicates">
            {open.map((d) => (
              <li key={d.report.id}>
                <Link href={`/laporan/${d.report.id}`}>
                  {d.report.code} {d.report.title}
                </Link>{' '}
                <ReportStatusBadge status={d.report.status} /> · {distanceText(d.distanceMetres)} · {formatDate(d.report.createdAt)}
                <div>
                  {confirm === d.report.id ? (
                    <div class="inline-form stack-sm">
                      <p>{t('report.dup.confirm', { from: report.code, into: d.report.code })}</p>
                      <div class="button-row">
                        <button
                          type="button"
                          class="button button--danger button--small"
                          disabled={state.fetching}
                          onClick={async () => {
                            const r = await merge({ reportId: report.id, intoId: d.report.id });
                            const problem = toApiError(r.error);
                            setError(problem);
                            if (problem) return;
                            announce(t('report.dup.done', { into: d.report.code }));
                            setConfirm(null);
                            onMerged();
                          }}
                        >
                          {t('report.dup.yes')}
                        </button>
                        <button type="button" class="button button--secondary button--small" onClick={() => setConfirm(null)}>
                          {t('common.cancel')}
                        </button>
                      </div>
                    </div>
                  ) : (
                    <button type="button" class="button button--secondary button--small" onClick={() => setConfirm(d.report.id)}>
                      {t('report.dup.merge')}
                      <span class="visually-hidden"> {d.report.code}</span>
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

const DRAFT_IDS: Record<string, string> = {
  title: 'rp-title',
  problem: 'rp-problem',
  solution: 'rp-solution',
  sectorId: 'rp-sector',
  volume: 'rp-volume',
  unit: 'rp-unit',
  estimatedCost: 'rp-cost',
  beneficiaries: 'rp-beneficiaries',
  address: 'rp-address',
  forumId: 'rp-forum',
  regionId: 'rp-address',
};

function ToProposal({ report, forum, onDone }: { report: FullReport; forum: NonNullable<ReportStaffQuery['report']['suggestedForum']>; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [d, setD] = useState<ProposalDraft>(() => draftFromReport(report));
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [catalogue] = useQuery<CatalogueQuery>({ query: CATALOGUE, pause: !open });
  const [state, create] = useMutation(REPORT_TO_PROPOSAL);
  const set = <K extends keyof ProposalDraft>(k: K, v: ProposalDraft[K]) => setD((x) => ({ ...x, [k]: v }));
  const cost = parseMoney(d.estimatedCost).value;
  if (!open) {
    return (
      <section class="stack-sm" aria-labelledby="tp-heading">
        <h3 id="tp-heading">{t('report.toProposal.title')}</h3>
        <p class="hint">{t('report.toProposal.lead', { forum: forum.name })}</p>
        <div>
          <button type="button" class="button button--secondary" aria-expanded="false" onClick={() => setOpen(true)}>
            {t('report.toProposal.open')}
          </button>
        </div>
      </section>
    );
  }
  const fe = { ...fieldErrors(error), ...local };
  return (
    <section class="stack-sm" aria-labelledby="tp-heading">
      <h3 id="tp-heading">{t('report.toProposal.title')}</h3>
      <form
        class="inline-form stack-sm"
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          const { problems, input } = checkDraft(d, { forumId: forum.id, regionId: report.region?.id ?? 0, latitude: report.latitude, longitude: report.longitude });
          setLocal(problems);
          setError(null);
          if (!input) {
            document.getElementById(DRAFT_IDS[Object.keys(problems)[0]] ?? '')?.focus();
            return;
          }
          const r = await create({ reportId: report.id, proposal: input });
          const problem = toApiError(r.error);
          if (problem) return setError(problem);
          const made = r.data.reportToProposal;
          announce(t('report.toProposal.done', { code: made.code }));
          onDone();
          navigate(`/usulan/${made.id}?baru=1`);
        }}
      >
        <p>
          {t('proposal.forum')}: <strong id="rp-forum">{forum.name}</strong>
        </p>
        <p class="hint">{t('report.toProposal.draftHint')}</p>
        <ErrorBox error={error} fieldIds={DRAFT_IDS} />
        <Field id="rp-title" label={t('form.titleField')} error={fe.title} required>
          {(a) => <input {...a} type="text" maxLength={200} value={d.title} onInput={(e) => set('title', e.currentTarget.value)} />}
        </Field>
        <Field id="rp-problem" label={t('proposal.problem')} error={fe.problem} required>
          {(a) => <textarea {...a} rows={3} value={d.problem} onInput={(e) => set('problem', e.currentTarget.value)} />}
        </Field>
        <Field id="rp-solution" label={t('proposal.solution')} hint={t('form.solutionHint')} error={fe.solution} required>
          {(a) => <textarea {...a} rows={3} value={d.solution} onInput={(e) => set('solution', e.currentTarget.value)} />}
        </Field>
        <Field id="rp-sector" label={t('proposal.sector')} error={fe.sectorId}>
          {(a) => (
            <select {...a} value={d.sectorId} onChange={(e) => set('sectorId', e.currentTarget.value)}>
              <option value="">{t('form.choose')}</option>
              {(catalogue.data?.sectors ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset class="radio-group">
          <legend>{t('proposal.kind')}</legend>
          <label>
            <input type="radio" name="rp-physical" checked={d.physical === 'yes'} onChange={() => set('physical', 'yes')} /> {t('proposal.physical')}
          </label>
          <label>
            <input type="radio" name="rp-physical" checked={d.physical === 'no'} onChange={() => set('physical', 'no')} /> {t('proposal.nonPhysical')}
          </label>
        </fieldset>
        <div class="grid-2">
          <Field id="rp-volume" label={t('proposal.volume')} error={fe.volume} required>
            {(a) => <input {...a} type="text" inputMode="decimal" value={d.volume} onInput={(e) => set('volume', e.currentTarget.value)} />}
          </Field>
          <Field id="rp-unit" label={t('proposal.unit')} hint={t('form.unitHint')} error={fe.unit} required>
            {(a) => <input {...a} type="text" maxLength={40} value={d.unit} onInput={(e) => set('unit', e.currentTarget.value)} />}
          </Field>
        </div>
        <Field id="rp-cost" label={t('form.cost')} hint={cost !== null ? t('form.costReads', { amount: formatRupiah(cost) }) : t('form.costHint')} error={fe.estimatedCost} required>
          {(a) => <input {...a} type="text" inputMode="numeric" value={d.estimatedCost} onInput={(e) => set('estimatedCost', e.currentTarget.value)} />}
        </Field>
        <Field id="rp-beneficiaries" label={t('proposal.beneficiaries')} error={fe.beneficiaries} required>
          {(a) => <input {...a} type="text" inputMode="numeric" value={d.beneficiaries} onInput={(e) => set('beneficiaries', e.currentTarget.value)} />}
        </Field>
        <Field id="rp-address" label={t('proposal.address')} hint={report.region ? t('report.toProposal.region', { region: report.region.name }) : undefined} error={fe.address ?? fe.regionId} required>
          {(a) => <input {...a} type="text" value={d.address} onInput={(e) => set('address', e.currentTarget.value)} />}
        </Field>
        <div class="button-row">
          <button type="submit" class="button" disabled={state.fetching}>
            {t('report.toProposal.submit')}
          </button>
          <button type="button" class="button button--secondary" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

export default function ReportStaffPanel({ report, moves, onChanged }: { report: FullReport; moves: Move[]; onChanged: () => void }) {
  const [extra, refetchExtra] = useQuery<ReportStaffQuery>({ query: REPORT_STAFF, variables: { id: report.id }, pause: !report.coordinating, requestPolicy: 'cache-and-network' });
  const changed = () => {
    onChanged();
    if (report.coordinating) refetchExtra({ requestPolicy: 'network-only' });
  };
  const forum = extra.data?.report.suggestedForum ?? null;
  const mayPropose = report.coordinating && !report.proposal && !['SUBMITTED', 'REJECTED', 'MERGED'].includes(report.status);
  const role = report.coordinating ? t('report.asCoordinator') : t('report.asAgency');
  return (
    <section class="card stack" aria-labelledby="staff-heading" data-testid="report-staff">
      <h2 id="staff-heading">{t('report.staff.title')}</h2>
      <p class="hint">{role}</p>
      {report.handlingAgency && !report.shareIdentityWithAgency && !report.coordinating && <p class="hint">{t('report.staff.identityHidden')}</p>}
      {moves.length > 0 ? (
        <MoveActions reportId={report.id} moves={moves} categoryAgencyId={report.category?.agencyId} onDone={changed} idPrefix="rm-staff" />
      ) : (
        <p class="muted">{FINAL.has(report.status) ? t('report.staff.final') : t('report.staff.waiting', { status: label('report.status', report.status) })}</p>
      )}
      {report.coordinating && !FINAL.has(report.status) && (extra.data ? <Duplicates report={report} rows={extra.data.report.likelyDuplicates} onMerged={changed} /> : extra.fetching ? <Loading /> : null)}
      {report.coordinating && <ErrorBox error={extra.data ? null : toApiError(extra.error)} />}
      {mayPropose && forum && <ToProposal report={report} forum={forum} onDone={changed} />}
      {mayPropose && extra.data && !forum && <p class="muted">{t('report.toProposal.noForum')}</p>}
    </section>
  );
}
