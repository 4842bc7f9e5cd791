// The complaint channel ("laporan", issue #15) on the client: which button a move of
// `Report.availableMoves` becomes (the server's table, src/domain/complaints/workflow.rs,
// decides; this only words it and says what the form must ask for), the clock in words, the
// satisfaction survey's elements and the grades of the index.
import { formatDate, formatNumber } from './format';
import type { Grade, ReportRole, ReportStatus } from './generated/graphql';
import { label, localeStore, t, type Locale } from './i18n';

export type { Grade, ReportRole, ReportStatus };

/** What a move is to the person making it: one button, one small form. */
export type MoveAction =
  | 'verify'
  | 'reject'
  | 'dispose'
  | 'redispose'
  | 'followUp'
  | 'furtherFollowUp'
  | 'answer'
  | 'handBack'
  | 'accept'
  | 'close'
  | 'dispute';

export interface Move {
  to: ReportStatus;
  action: MoveAction;
  /** The capacity the server will take the move in. */
  role: ReportRole;
  noteRequired: boolean;
  /** Reject: a `RejectionReason` must be chosen. */
  needsReason: boolean;
  /** Dispose: an agency is chosen (`required`: there is no default, the category's agency is for the first disposition only). */
  agency: 'none' | 'optional' | 'required';
  /** The agency's follow-up and answer may carry photos (they belong to that step). */
  photo: boolean;
}

/** The viewer's relation to a report, as the API gives it. */
export interface Standing {
  mine: boolean;
  coordinating: boolean;
  handlingAgency: boolean;
}

type Step = { noteRequired: boolean };

/** The server's table (workflow.rs `step_for`), for wording and the fields a move needs. */
export function stepFor(from: ReportStatus, to: ReportStatus, role: ReportRole): Step | null {
  const is = (...s: ReportStatus[]) => s.includes(from);
  switch (role) {
    case 'COORDINATOR':
      if (from === 'SUBMITTED' && to === 'VERIFIED') return { noteRequired: false };
      if (to === 'REJECTED' && is('SUBMITTED', 'VERIFIED')) return { noteRequired: true };
      if (to === 'DISPOSED' && is('SUBMITTED', 'VERIFIED', 'DISPOSED', 'IN_PROGRESS', 'REOPENED')) return { noteRequired: false };
      if (from === 'ANSWERED' && to === 'CLOSED') return { noteRequired: true };
      return null;
    case 'AGENCY':
      if (to === 'IN_PROGRESS' && is('DISPOSED', 'REOPENED', 'IN_PROGRESS')) return { noteRequired: true };
      if (to === 'ANSWERED' && is('DISPOSED', 'IN_PROGRESS', 'REOPENED')) return { noteRequired: true };
      if (to === 'VERIFIED' && is('DISPOSED', 'IN_PROGRESS')) return { noteRequired: true };
      return null;
    case 'REPORTER':
      if (from === 'ANSWERED' && to === 'CLOSED') return { noteRequired: false };
      if (from === 'ANSWERED' && to === 'REOPENED') return { noteRequired: true };
      return null;
    default:
      return null;
  }
}

/** The capacities the viewer acts in, in the server's order (reporter, coordinator, agency). */
export function rolesOf(s: Standing): ReportRole[] {
  const roles: ReportRole[] = [];
  if (s.mine) roles.push('REPORTER');
  if (s.coordinating) roles.push('COORDINATOR');
  if (s.handlingAgency) roles.push('AGENCY');
  return roles;
}

function actionOf(from: ReportStatus, to: ReportStatus, role: ReportRole): MoveAction {
  switch (to) {
    case 'VERIFIED':
      return role === 'AGENCY' ? 'handBack' : 'verify';
    case 'REJECTED':
      return 'reject';
    case 'DISPOSED':
      return from === 'SUBMITTED' || from === 'VERIFIED' ? 'dispose' : 'redispose';
    case 'IN_PROGRESS':
      return from === 'IN_PROGRESS' ? 'furtherFollowUp' : 'followUp';
    case 'ANSWERED':
      return 'answer';
    case 'CLOSED':
      return role === 'REPORTER' ? 'accept' : 'close';
    case 'REOPENED':
      return 'dispute';
    default:
      return 'verify';
  }
}

/** The order of the buttons: the way forward first, refusals and disputes last. */
const ORDER: MoveAction[] = ['verify', 'dispose', 'redispose', 'followUp', 'furtherFollowUp', 'answer', 'accept', 'close', 'reject', 'handBack', 'dispute'];

/**
 * The moves offered to the viewer: each of `availableMoves` (which the server computed) with
 * the capacity it will be taken in and what its form needs. A status the table does not know
 * (a newer server) is left out rather than guessed at. In the order of `ORDER`.
 */
export function movesFor(from: ReportStatus, available: readonly ReportStatus[], standing: Standing): Move[] {
  const roles = rolesOf(standing);
  const out: Move[] = [];
  for (const to of available) {
    const role = roles.find((r) => stepFor(from, to, r));
    if (!role) continue;
    const step = stepFor(from, to, role)!;
    const action = actionOf(from, to, role);
    out.push({
      to,
      action,
      role,
      noteRequired: step.noteRequired,
      needsReason: to === 'REJECTED',
      agency: to !== 'DISPOSED' ? 'none' : action === 'dispose' ? 'optional' : 'required',
      photo: role === 'AGENCY' && (to === 'IN_PROGRESS' || to === 'ANSWERED'),
    });
  }
  return out.sort((a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action));
}

/** Statuses after which nothing more happens. */
export const FINAL: ReadonlySet<ReportStatus> = new Set(['REJECTED', 'CLOSED', 'MERGED']);

export const REPORT_STATUSES: ReportStatus[] = ['SUBMITTED', 'VERIFIED', 'DISPOSED', 'IN_PROGRESS', 'ANSWERED', 'REOPENED', 'CLOSED', 'REJECTED', 'MERGED'];

/** Which clock runs for a status (the server's `running_deadline`): verification, or the agency's follow-up. */
export function clockKind(status: ReportStatus): 'verify' | 'followUp' | null {
  if (status === 'SUBMITTED') return 'verify';
  if (status === 'DISPOSED' || status === 'REOPENED') return 'followUp';
  return null;
}

/** "Batas waktu verifikasi: 9 Desember 2026", or null when no clock runs. */
export function clockText(r: { status: ReportStatus; dueAt: string | null }, locale: Locale = localeStore.get()): string | null {
  const kind = clockKind(r.status);
  if (!kind || !r.dueAt) return null;
  const date = formatDate(r.dueAt, locale);
  return kind === 'verify' ? t('report.dueVerify', { date }, locale) : t('report.dueFollowUp', { date }, locale);
}

/** The reporter as the viewer may know them: the name, or "Pelapor anonim". */
export function reporterText(r: { reporterName: string | null }, locale: Locale = localeStore.get()): string {
  return r.reporterName?.trim() || t('report.anonymousReporter', undefined, locale);
}

/** "120 m", "1,2 km", or "in the same area" without coordinates. */
export function distanceText(metres: number | null | undefined, locale: Locale = localeStore.get()): string {
  if (metres === null || metres === undefined || !Number.isFinite(metres)) return t('report.sameArea', undefined, locale);
  if (metres < 1000) return t('report.metres', { n: formatNumber(Math.round(metres), locale) }, locale);
  return t('report.kilometres', { n: formatNumber(Math.round(metres / 100) / 10, locale) }, locale);
}

/** Hours as read on the dashboard: "5,5 jam", "—" for none. */
export function hoursText(hours: number | null | undefined, locale: Locale = localeStore.get()): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return '—';
  return t('report.hours', { n: formatNumber(Math.round(hours * 10) / 10, locale) }, locale);
}

/** "A — Sangat baik". */
export function gradeText(grade: Grade | null | undefined, locale: Locale = localeStore.get()): string {
  if (!grade) return '—';
  return `${grade} — ${label('report.grade', grade, locale)}`;
}

/** An index value with two decimals, as units publish it: "82,45". */
export function indexText(value: number | null | undefined, locale: Locale = localeStore.get()): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'id-ID', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

/** The nine elements of the survey (Permenpan RB 14/2017), in the order of `SatisfactionInput`. */
export const SATISFACTION_ELEMENTS = ['requirements', 'procedure', 'time', 'cost', 'product', 'competence', 'conduct', 'complaintHandling', 'facilities'] as const;
export type SatisfactionElement = (typeof SATISFACTION_ELEMENTS)[number];
export type SatisfactionAnswers = Partial<Record<SatisfactionElement, number>>;

/** The elements not answered yet (each 1–4). */
export function unanswered(answers: SatisfactionAnswers): SatisfactionElement[] {
  return SATISFACTION_ELEMENTS.filter((e) => {
    const v = answers[e];
    return !(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 4);
  });
}

/**
 * The index the answers of one respondent give (mean × 25, 25–100): what the server computes
 * over all respondents, shown to the reporter before they send.
 */
export function indexOf(answers: SatisfactionAnswers): number | null {
  if (unanswered(answers).length) return null;
  const sum = SATISFACTION_ELEMENTS.reduce((s, e) => s + (answers[e] as number), 0);
  return Math.round((sum / SATISFACTION_ELEMENTS.length) * 25 * 100) / 100;
}

/** The grade of an index as the regulation bands it (the server's `Grade::of`). */
export function gradeOf(value: number): Grade {
  const hundredths = Math.round(value * 100);
  if (hundredths >= 8831) return 'A';
  if (hundredths >= 7661) return 'B';
  if (hundredths >= 6500) return 'C';
  return 'D';
}

/** A queue page: overdue reports first, otherwise in the server's order (escalation, then due date). */
export function overdueFirst<T extends { overdue: boolean }>(rows: readonly T[]): T[] {
  return [...rows.filter((r) => r.overdue), ...rows.filter((r) => !r.overdue)];
}

/** The agency's latest answer in a report's history (the newest step to ANSWERED), if any. */
export function latestAnswer<T extends { toStatus: ReportStatus; actorRole: ReportRole }>(history: readonly T[]): T | null {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i].toStatus === 'ANSWERED' && history[i].actorRole === 'AGENCY') return history[i];
  }
  return null;
}
