import { describe, expect, it } from 'vitest';
import { parseAttendanceLine } from './BulkAttendance';
import { progressTotals, type ProgressRow } from '../pages/PlanningDashboard';
import { isMyForum, matchesForum } from '../pages/Forums';

describe('hall attendance in bulk', () => {
  it('reads "name; role" lines, with a default role', () => {
    expect(parseAttendanceLine('  Siti Aminah ; Ketua RT 03 ', 'Warga')).toEqual({ name: 'Siti Aminah', role: 'Ketua RT 03' });
    expect(parseAttendanceLine('Darmo', 'Warga')).toEqual({ name: 'Darmo', role: 'Warga' });
    expect(parseAttendanceLine('Budi\tPKK', 'Warga')).toEqual({ name: 'Budi', role: 'PKK' });
    expect(parseAttendanceLine('Ani;', 'Warga')).toEqual({ name: 'Ani', role: 'Warga' });
    expect(parseAttendanceLine('   ', 'Warga')).toBeNull();
  });
});

const row = (p: Partial<ProgressRow> & { ceiling: number | null }): ProgressRow => ({
  forumId: 1,
  proposals: 0,
  awaitingVerification: 0,
  verified: 0,
  verifiedCost: 0,
  ceilingShare: null,
  stageClosesAt: null,
  stageOverdue: false,
  ...p,
  forum: { id: 1, name: 'F', level: 'DESA_KELURAHAN', status: 'SCHEDULED', budgetCeiling: p.ceiling, region: null },
});

describe('the planners’ dashboard totals', () => {
  it('adds up the rows; the share is of the forums with a ceiling', () => {
    const totals = progressTotals([
      row({ proposals: 10, awaitingVerification: 2, verified: 5, verifiedCost: 120, ceilingShare: 1.2, ceiling: 100, stageOverdue: true }),
      row({ proposals: 4, verified: 1, verifiedCost: 50, ceilingShare: 0.5, ceiling: 100 }),
      row({ proposals: 1, verified: 1, verifiedCost: 30, ceiling: null }),
    ]);
    expect(totals).toMatchObject({ forums: 3, proposals: 15, awaitingVerification: 2, verified: 7, verifiedCost: 200, ceiling: 200, overdue: 1, over: 1 });
    expect(totals.share).toBeCloseTo(0.85);
    expect(progressTotals([row({ ceiling: null })]).share).toBeNull();
  });
});

describe('finding forums', () => {
  const forum = { id: 7, name: 'Musrenbang Kelurahan Kejuron', region: { id: 30, name: 'Kejuron' } };
  it('searches names and regions, ignoring case and accents', () => {
    expect(matchesForum(forum, 'kejuron')).toBe(true);
    expect(matchesForum(forum, 'KELURAHAN kéjuron')).toBe(true);
    expect(matchesForum(forum, 'patihan')).toBe(false);
  });
  it('"Forum saya": forums one facilitates or lives under', () => {
    const me = (roles: any[], home: any) => ({ id: 1, name: 'X', verification: 'VERIFIED', email: null, phone: null, homeRegion: home, roles }) as any;
    expect(isMyForum(forum, me([{ id: 1, role: 'MODERATOR', forumId: 7, regionId: null, agencyId: null }], null))).toBe(true);
    expect(isMyForum(forum, me([], { id: 30, name: 'Kejuron', level: 'DESA_KELURAHAN', parentId: 3 }))).toBe(true);
    expect(isMyForum({ ...forum, region: { id: 3, name: 'Taman' } }, me([], { id: 30, name: 'Kejuron', level: 'DESA_KELURAHAN', parentId: 3 }))).toBe(true);
    expect(isMyForum(forum, me([], { id: 31, name: 'Manisrejo', level: 'DESA_KELURAHAN', parentId: 3 }))).toBe(false);
    expect(isMyForum(forum, null)).toBe(false);
  });
});
