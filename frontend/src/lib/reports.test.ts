import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from './i18n';
import {
  clockKind,
  clockText,
  distanceText,
  gradeOf,
  gradeText,
  hoursText,
  indexOf,
  indexText,
  latestAnswer,
  movesFor,
  overdueFirst,
  reporterText,
  stepFor,
  unanswered,
  type ReportStatus,
} from './reports';

afterEach(() => setLocale('id'));

const resident = { mine: true, coordinating: false, handlingAgency: false };
const coordinator = { mine: false, coordinating: true, handlingAgency: false };
const agency = { mine: false, coordinating: false, handlingAgency: true };

describe('movesFor', () => {
  it('words a coordinator’s moves on a new report: verify at once, reject with a reason and a note, dispose with the category’s agency by default', () => {
    const moves = movesFor('SUBMITTED', ['VERIFIED', 'REJECTED', 'DISPOSED'], coordinator);
    expect(moves.map((m) => [m.action, m.role, m.noteRequired, m.needsReason, m.agency])).toEqual([
      ['verify', 'COORDINATOR', false, false, 'none'],
      ['dispose', 'COORDINATOR', false, false, 'optional'],
      ['reject', 'COORDINATOR', true, true, 'none'],
    ]);
  });

  it('asks for the agency when a report already with one is sent elsewhere', () => {
    expect(movesFor('IN_PROGRESS', ['DISPOSED'], coordinator)[0]).toMatchObject({ action: 'redispose', agency: 'required' });
  });

  it('gives the agency follow-up, further follow-up, answer (with photos) and hand-back, each with a note', () => {
    expect(movesFor('DISPOSED', ['IN_PROGRESS', 'ANSWERED', 'VERIFIED'], agency).map((m) => [m.action, m.noteRequired, m.photo])).toEqual([
      ['followUp', true, true],
      ['answer', true, true],
      ['handBack', true, false],
    ]);
    expect(movesFor('IN_PROGRESS', ['IN_PROGRESS'], agency)[0].action).toBe('furtherFollowUp');
  });

  it('lets the reporter accept without a note and dispute with one; a coordinator closing needs a note', () => {
    expect(movesFor('ANSWERED', ['CLOSED', 'REOPENED'], resident).map((m) => [m.action, m.role, m.noteRequired])).toEqual([
      ['accept', 'REPORTER', false],
      ['dispute', 'REPORTER', true],
    ]);
    expect(movesFor('ANSWERED', ['CLOSED'], coordinator)[0]).toMatchObject({ action: 'close', role: 'COORDINATOR', noteRequired: true });
  });

  it('puts the way forward first and refusals last, whatever the server’s order', () => {
    expect(movesFor('ANSWERED', ['REOPENED', 'CLOSED'], resident).map((m) => m.action)).toEqual(['accept', 'dispute']);
    expect(movesFor('IN_PROGRESS', ['VERIFIED', 'IN_PROGRESS', 'ANSWERED'], agency).map((m) => m.action)).toEqual(['furtherFollowUp', 'answer', 'handBack']);
  });

  it('takes a move in the first capacity that has it, as the server does (the reporter before the coordinator)', () => {
    const both = { mine: true, coordinating: true, handlingAgency: false };
    expect(movesFor('ANSWERED', ['CLOSED'], both)[0]).toMatchObject({ action: 'accept', role: 'REPORTER', noteRequired: false });
  });

  it('leaves out a move the table does not know rather than guess', () => {
    expect(movesFor('CLOSED', ['SUBMITTED' as ReportStatus], coordinator)).toEqual([]);
    expect(stepFor('CLOSED', 'REOPENED', 'REPORTER')).toBeNull();
  });
});

describe('the clock', () => {
  it('runs for verification while submitted and for the agency while disposed or disputed', () => {
    expect(clockKind('SUBMITTED')).toBe('verify');
    expect(clockKind('DISPOSED')).toBe('followUp');
    expect(clockKind('REOPENED')).toBe('followUp');
    expect(clockKind('ANSWERED')).toBeNull();
  });

  it('says the due date in the reader’s language', () => {
    const due = '2026-12-09T09:00:00Z';
    expect(clockText({ status: 'SUBMITTED', dueAt: due })).toBe('Batas waktu verifikasi: 9 Desember 2026');
    expect(clockText({ status: 'DISPOSED', dueAt: due })).toBe('Batas waktu tindak lanjut: 9 Desember 2026');
    expect(clockText({ status: 'DISPOSED', dueAt: due }, 'en')).toBe('Follow-up due by: 9 December 2026');
    expect(clockText({ status: 'CLOSED', dueAt: due })).toBeNull();
    expect(clockText({ status: 'SUBMITTED', dueAt: null })).toBeNull();
  });
});

describe('words and numbers', () => {
  it('calls a reporter without a name "Pelapor anonim"', () => {
    expect(reporterText({ reporterName: null })).toBe('Pelapor anonim');
    expect(reporterText({ reporterName: '  ' }, 'en')).toBe('Anonymous reporter');
    expect(reporterText({ reporterName: 'Siti' })).toBe('Siti');
  });

  it('gives distances in metres or kilometres, or the same area without coordinates', () => {
    expect(distanceText(120.4)).toBe('120 m');
    expect(distanceText(1250)).toBe('1,3 km');
    expect(distanceText(null)).toBe('di wilayah yang sama');
  });

  it('gives hours with one decimal', () => {
    expect(hoursText(5.46)).toBe('5,5 jam');
    expect(hoursText(null)).toBe('—');
  });

  it('grades an index as the regulation bands it, on the value rounded to two decimals', () => {
    expect(gradeOf(88.31)).toBe('A');
    expect(gradeOf(88.304)).toBe('B');
    expect(gradeOf(76.61)).toBe('B');
    expect(gradeOf(76.6)).toBe('C');
    expect(gradeOf(65)).toBe('C');
    expect(gradeOf(64.99)).toBe('D');
    expect(gradeText('A')).toBe('A — Sangat baik');
    expect(gradeText('D', 'en')).toBe('D — Not good');
    expect(indexText(86.1)).toBe('86,10');
  });
});

describe('the survey', () => {
  it('needs all nine elements, each 1–4', () => {
    expect(unanswered({})).toHaveLength(9);
    expect(unanswered({ requirements: 4, procedure: 5 })).not.toContain('requirements');
    expect(unanswered({ requirements: 4, procedure: 5 })).toContain('procedure');
  });

  it('computes one respondent’s index as the mean times 25', () => {
    const all = { requirements: 4, procedure: 3, time: 3, cost: 4, product: 3, competence: 4, conduct: 4, complaintHandling: 3, facilities: 3 };
    expect(indexOf(all)).toBe(86.11);
    expect(gradeOf(indexOf(all)!)).toBe('B');
    expect(indexOf({ ...all, facilities: undefined })).toBeNull();
    const best = Object.fromEntries(Object.keys(all).map((k) => [k, 4]));
    expect(indexOf(best)).toBe(100);
  });
});

describe('lists and history', () => {
  it('puts overdue reports first and keeps the server’s order otherwise', () => {
    const rows = [
      { id: 1, overdue: false },
      { id: 2, overdue: true },
      { id: 3, overdue: false },
      { id: 4, overdue: true },
    ];
    expect(overdueFirst(rows).map((r) => r.id)).toEqual([2, 4, 1, 3]);
  });

  it('finds the agency’s latest answer', () => {
    const history = [
      { toStatus: 'SUBMITTED' as const, actorRole: 'REPORTER' as const, note: null },
      { toStatus: 'ANSWERED' as const, actorRole: 'AGENCY' as const, note: 'pertama' },
      { toStatus: 'REOPENED' as const, actorRole: 'REPORTER' as const, note: 'belum' },
      { toStatus: 'ANSWERED' as const, actorRole: 'AGENCY' as const, note: 'kedua' },
      { toStatus: 'CLOSED' as const, actorRole: 'REPORTER' as const, note: null },
    ];
    expect(latestAnswer(history)?.note).toBe('kedua');
    expect(latestAnswer(history.slice(0, 1))).toBeNull();
  });
});
