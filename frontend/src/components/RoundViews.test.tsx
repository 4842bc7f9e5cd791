import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReceiptCheck, tallyText, type Tally } from './RoundViews';
import { PaperBallotForm, PaperRecord, presentVoters } from '../pages/Round';
import { setLocale } from '../lib/i18n';
import { testClient, type Handler } from '../lib/testClient';

const plain = (s: string | null | undefined) => (s ?? '').replace(/\u00a0|\u202f/g, ' ');
const settle = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});

function mount(handler: Handler, node: preact.ComponentChildren) {
  const { client, seen } = testClient(handler);
  act(() => render(<Provider value={client}>{node}</Provider>, root));
  return seen;
}

const tally = (over: Partial<Tally>): Tally => ({ ballots: 0, counted: 0, withheld: true, minimumBallots: 10, rows: [], ...over });

describe('the tally in words', () => {
  it('says why running totals are hidden: the minimum for a live tally, the close otherwise', () => {
    const live = tallyText(tally({ ballots: 4, minimumBallots: 10 }), true, true);
    expect(live.turnout).toBe('4 suara masuk');
    expect(live.hidden).toBe('Hasil sementara disembunyikan sampai minimal 10 suara masuk, agar pilihan satu orang tidak terlihat.');
    expect(tallyText(tally({ ballots: 4 }), false, true).hidden).toBe('Perolehan suara diumumkan setelah pemungutan suara ditutup.');
  });
  it('says what the published step counts when it lags the turnout', () => {
    const text = tallyText(tally({ ballots: 14, counted: 10, withheld: false }), true, true);
    expect(text.turnout).toBe('14 suara masuk · hasil dihitung dari 10 suara');
    expect(text.hidden).toBeNull();
    expect(text.steps).toBe('Hasil sementara diperbarui setiap bertambah sedikitnya 10 suara.');
    const closed = tallyText(tally({ ballots: 14, counted: 14, withheld: false }), false, false);
    expect(closed).toEqual({ turnout: '14 suara masuk', hidden: null, steps: null });
  });
  it('reads in English too', () => {
    setLocale('en');
    expect(tallyText(tally({ ballots: 1, minimumBallots: 3 }), true, true).hidden).toBe('Running totals are hidden until at least 3 ballots are in, so that no one person’s choice shows.');
  });
});

describe('the receipt check', () => {
  it('is prefilled with the viewer’s receipt, explains what it proves and answers counted', async () => {
    const seen = mount((name) => (name === 'CheckReceipt' ? { data: { checkReceipt: { __typename: 'ReceiptCheck', counted: true } } } : {}), <ReceiptCheck roundId={7} mine="abc123def456" />);
    const input = root.querySelector<HTMLInputElement>('#receipt-input')!;
    expect(input.value).toBe('abc123def456');
    expect(root.querySelector('#receipt-input-hint')?.textContent).toContain('Terisi dengan tanda terima Anda.');
    expect(root.textContent).toContain('Tanda terima membuktikan suara Anda dihitung, bukan isi pilihan Anda — sehingga tidak ada yang bisa memaksa Anda membuktikan pilihan.');
    expect(seen).toEqual([]);
    act(() => void root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await settle();
    expect(seen).toEqual([{ name: 'CheckReceipt', variables: { roundId: 7, receipt: 'abc123def456' } }]);
    expect(root.querySelector('[data-testid=receipt-result]')?.textContent).toBe('Dihitung: tanda terima ini ada di antara suara yang dihitung.');
  });
  it('says when a receipt is not among the counted ones', async () => {
    mount(() => ({ data: { checkReceipt: { __typename: 'ReceiptCheck', counted: false } } }), <ReceiptCheck roundId={7} mine={null} />);
    const input = root.querySelector<HTMLInputElement>('#receipt-input')!;
    expect(input.value).toBe('');
    act(() => {
      input.value = 'zzz';
      input.dispatchEvent(new Event('input'));
    });
    act(() => void root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await settle();
    expect(root.querySelector('[data-testid=receipt-result]')?.textContent).toBe('Tanda terima ini tidak ada di antara suara yang dihitung.');
  });
});

describe('a paper ballot in the viewer’s name', () => {
  const mine = {
    channel: 'PAPER',
    receipt: 'r-1',
    castAt: '2027-03-01T03:00:00Z',
    choices: null,
    sealed: false,
    paperNumber: 'K-017',
    sessionId: 4,
    enteredByName: 'Fasilitator Josenan',
    contestedAt: null,
    contestReason: null,
  };
  it('says who recorded it and when, and takes a contest with the server’s field error at the field', async () => {
    const seen = mount(
      (name, v) =>
        name === 'ContestPaperBallot' && v.reason.length < 5
          ? { error: { message: 'invalid input', extensions: { code: 'BAD_USER_INPUT', fields: [{ field: 'reason', code: 'length', message: 'must be 5 to 1000 characters long' }] } } }
          : { data: { contestPaperBallot: { __typename: 'OwnBallot', ...mine, contestedAt: '2027-03-01T04:00:00Z', contestReason: v.reason } } },
      <PaperRecord round={{ id: 9 }} mine={mine} headingId="h" onDone={() => undefined} />,
    );
    expect(plain(root.querySelector('[data-testid=paper-record]')?.textContent)).toMatch(/^Surat suara kertas no\. K-017 dicatat atas nama Anda oleh Fasilitator Josenan pada 1 Mar 2027, \d\d\.\d\d\.$/);
    expect(root.querySelector('summary')?.textContent).toBe('Saya tidak memberikan suara ini — sanggah');
    const reason = root.querySelector<HTMLTextAreaElement>('#contest-reason')!;
    act(() => {
      reason.value = 'tdk';
      reason.dispatchEvent(new Event('input'));
    });
    act(() => void root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await settle();
    expect(seen.at(-1)).toEqual({ name: 'ContestPaperBallot', variables: { roundId: 9, reason: 'tdk' } });
    expect(root.querySelector('#contest-reason-error')?.textContent).toContain('harus 5–1000 karakter');
    expect(reason.getAttribute('aria-invalid')).toBe('true');
  });
  it('shows a contest already sent instead of the form', () => {
    mount(() => ({}), <PaperRecord round={{ id: 9 }} mine={{ ...mine, contestedAt: '2027-03-01T04:00:00Z', contestReason: 'Saya tidak hadir' }} headingId="h" onDone={() => undefined} />);
    expect(root.querySelector('#contest-reason')).toBeNull();
    expect(plain(root.querySelector('[data-testid=paper-contested]')?.textContent)).toMatch(/^Anda menyanggah surat suara ini pada .*: “Saya tidak hadir”$/);
  });
});

describe('whom a paper ballot may be entered for', () => {
  it('lists people present at running sessions, once each, by name', () => {
    const sessions: Parameters<typeof presentVoters>[0] = [
      { id: 1, status: 'CLOSED', attendance: [{ id: 1, accountId: 5, name: 'Lama', roleOrInstitution: 'Warga', status: 'PRESENT' }] },
      {
        id: 2,
        status: 'OPEN',
        attendance: [
          { id: 2, accountId: 8, name: 'Wati', roleOrInstitution: 'Warga', status: 'PRESENT' },
          { id: 3, accountId: 9, name: 'Tamu', roleOrInstitution: 'Dinas', status: 'AWAITING_APPROVAL' },
          { id: 4, accountId: null, name: 'Tanpa akun', roleOrInstitution: 'Warga', status: 'PRESENT' },
          { id: 5, accountId: 6, name: 'Agus', roleOrInstitution: 'Ketua RT', status: 'PRESENT' },
        ],
      },
      { id: 3, status: 'PAUSED', attendance: [{ id: 6, accountId: 8, name: 'Wati', roleOrInstitution: 'Warga', status: 'PRESENT' }] },
    ];
    expect(presentVoters(sessions).map((v) => v.accountId)).toEqual([6, 8]);
    expect(presentVoters(undefined)).toEqual([]);
  });
});

describe('entering a paper ballot', () => {
  const REFUSAL = 'this paper ballot cannot be entered: check the paper number, and that the voter is present at a running session of this forum and may vote in this round';
  it('offers the people present and shows every refusal as one sentence', async () => {
    const seen = mount(
      (name) =>
        name === 'PaperVoters'
          ? { data: { liveSessions: [{ __typename: 'LiveSession', id: 1, title: 'Sesi', status: 'OPEN', attendance: [{ __typename: 'Attendance', id: 1, accountId: 8, name: 'Wati', roleOrInstitution: 'Warga', status: 'PRESENT' }] }] } }
          : { error: { message: REFUSAL, extensions: { code: 'FAILED_PRECONDITION' } } },
      <PaperBallotForm
        round={{ id: 9, forum: { id: 1 } }}
        rules={{ method: 'CHOOSE_ONE', maxChoices: null, pointsBudget: null, maxPointsPerProposal: null, costLimit: null }}
        proposals={[{ id: 1, code: 'U-1', title: 'Drainase', estimatedCost: 1000, region: null }]}
        onDone={() => undefined}
      />,
    );
    await settle();
    const voter = root.querySelector<HTMLSelectElement>('#paper-voter')!;
    expect([...voter.options].map((o) => o.textContent)).toEqual(['— Pilih —', 'Wati (Warga)']);
    act(() => {
      voter.value = '8';
      voter.dispatchEvent(new Event('change'));
      const number = root.querySelector<HTMLInputElement>('#paper-number')!;
      number.value = 'K-1';
      number.dispatchEvent(new Event('input'));
    });
    act(() => root.querySelector<HTMLInputElement>('.ballot__option input')!.click());
    act(() => void root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await settle();
    expect(seen.at(-1)).toEqual({ name: 'PaperBallot', variables: { input: { roundId: 9, voterId: 8, paperNumber: 'K-1', choices: [{ proposalId: 1 }] } } });
    const alert = root.querySelector('[role=alert]')!;
    expect(alert.textContent).toBe('Surat suara kertas ini tidak dapat dicatat. Periksa nomor surat suara, bahwa pemilih hadir di sesi forum ini, dan bahwa ia berhak memilih.');
  });
});
