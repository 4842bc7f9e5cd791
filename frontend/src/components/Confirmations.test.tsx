// Issue #17: confirmations before what cannot be undone, the take-back to a private draft, the
// words of the outcome and the receipt check, the round's exports and the new resident's notice.
import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransitionActions } from './Transitions';
import { ExportButtons, ReceiptCheck, reasonText } from './RoundViews';
import { VerificationNotice } from './VerificationNotice';
import { setLocale } from '../lib/i18n';
import { signIn, signOut, type Me } from '../lib/session';
import { testClient, type Handler } from '../lib/testClient';

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
  signOut();
});

function mount(handler: Handler, node: preact.ComponentChildren) {
  const { client, seen } = testClient(handler);
  act(() => render(<Provider value={client}>{node}</Provider>, root));
  return seen;
}
const button = (text: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === text);
const click = async (el: Element | undefined) => {
  expect(el).toBeTruthy();
  await act(() => {
    (el as HTMLElement).click();
  });
  await settle();
};

const moved = (to: string) => ({ data: { transitionProposal: { id: 5, status: to, level: 'DESA_KELURAHAN', forum: { id: 1, name: 'F' }, availableTransitions: [] } } });

describe('moving a proposal', () => {
  it('asks before withdrawing, and only the yes withdraws', async () => {
    const seen = mount((name, v) => (name === 'Transition' ? moved(v.input.to) : {}), (
      <TransitionActions proposalId={5} transitions={[{ to: 'DRAFT', noteRequired: false }, { to: 'WITHDRAWN', noteRequired: false }] as any} idPrefix="tr" />
    ));
    await click(button('Batalkan usulan'));
    const ask = root.querySelector('[data-testid="confirm-move"]');
    expect(ask?.textContent).toContain('Batalkan usulan ini?');
    expect(ask?.textContent).toContain('tidak dapat diajukan lagi');
    expect(document.activeElement?.id).toBe('tr-confirm-q');
    expect(seen).toEqual([]);
    await click(button('Jangan batalkan'));
    expect(root.querySelector('[data-testid="confirm-move"]')).toBeNull();
    expect(seen).toEqual([]);
    await click(button('Batalkan usulan'));
    await click(button('Ya, batalkan usulan'));
    expect(seen.map((s) => s.variables.input.to)).toEqual(['WITHDRAWN']);
  });

  it('shows the take-back as an ordinary button that says the proposal becomes a private draft', async () => {
    const seen = mount((name, v) => (name === 'Transition' ? moved(v.input.to) : {}), (
      <TransitionActions proposalId={5} transitions={[{ to: 'DRAFT', noteRequired: false }, { to: 'WITHDRAWN', noteRequired: false }] as any} idPrefix="tr" />
    ));
    const back = button('Tarik kembali untuk diperbaiki')!;
    expect(back.className).not.toContain('button--danger');
    expect(button('Batalkan usulan')!.className).toContain('button--danger');
    expect(root.querySelector(`#${back.getAttribute('aria-describedby')}`)?.textContent).toContain('draf pribadi lagi, yang hanya terlihat oleh Anda');
    await click(back);
    expect(seen.map((s) => s.variables.input.to)).toEqual(['DRAFT']);
  });

  it('refuses an empty required reason at its field without asking the server', async () => {
    const seen = mount(() => ({}), <TransitionActions proposalId={5} transitions={[{ to: 'REJECTED', noteRequired: true }] as any} idPrefix="mv" />);
    await click(button('Tolak'));
    await act(() => {
      root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    });
    expect(root.querySelector('#mv-note-error')?.textContent).toContain('wajib diisi');
    expect(seen).toEqual([]);
  });
});

describe('the outcome in words', () => {
  it('says that a proposal on the main list without a vote was taken because budget remained', () => {
    const row = { reason: 'SELECTED', remainingBudget: null, decisionReason: null, list: 'MAIN' };
    expect(reasonText({ ...row, support: '0' })).toBe('Terpilih oleh aturan — tanpa suara: diambil karena pagu masih tersisa');
    expect(reasonText({ ...row, support: '3' })).toBe('Terpilih oleh aturan');
    expect(reasonText({ ...row, support: '0', list: 'RESERVE' })).toBe('Terpilih oleh aturan');
    setLocale('en');
    expect(reasonText({ ...row, support: '0' })).toMatch(/no votes: taken because budget remained$/);
  });
});

describe("a closed round's downloads", () => {
  it('offer the .pb file and point to the forum for the rest, with no disabled "(segera)" buttons', () => {
    mount(() => ({}), <ExportButtons roundId={3} title="Putaran" closed forumId={9} />);
    expect([...root.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Unduh .pb (Pabulib)']);
    expect(root.textContent).not.toContain('segera');
    expect(root.querySelector('a')?.getAttribute('href')).toBe('/forum/9#forum-export');
  });
  it('say that an open round has nothing to download yet, without a disabled button', () => {
    mount(() => ({}), <ExportButtons roundId={3} title="Putaran" closed={false} forumId={9} />);
    expect(root.querySelectorAll('button').length).toBe(0);
    expect(root.textContent).toBe('Data dapat diunduh setelah pemungutan suara ditutup.');
  });
});

describe('the receipt check', () => {
  it('is prefilled with the own receipt when it arrives after the check is shown', async () => {
    const seen = mount(() => ({}), <ReceiptCheck roundId={7} mine={null} />);
    expect(root.querySelector<HTMLInputElement>('#receipt-input')!.value).toBe('');
    act(() => render(<Provider value={testClient(() => ({})).client}>{<ReceiptCheck roundId={7} mine="abc123" />}</Provider>, root));
    await settle();
    expect(root.querySelector<HTMLInputElement>('#receipt-input')!.value).toBe('abc123');
    expect(seen).toEqual([]);
  });
});

describe("a new resident's notice", () => {
  const me: Me = { id: 3, name: 'Warga Baru', verification: 'UNVERIFIED', email: 'baru@contoh.id', phone: null, homeRegion: { id: 4, name: 'RT 01 / RW 01', level: 'RT', parentId: 3 }, roles: [] };
  it('says the facilitator verifies them and what they can do meanwhile; nothing once verified', () => {
    signIn('tok', me);
    mount(() => ({}), <VerificationNotice />);
    const notice = root.querySelector('[data-testid="verification-notice"]')!;
    expect(notice.textContent).toContain('Menunggu verifikasi fasilitator');
    expect(notice.textContent).toContain('Setelah diverifikasi, Anda dapat memberikan suara.');
    expect([...notice.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['/usulan/baru', '/usulan', '/forum']);
    render(null, root);
    signIn('tok', { ...me, verification: 'VERIFIED' });
    mount(() => ({}), <VerificationNotice />);
    expect(root.querySelector('[data-testid="verification-notice"]')).toBeNull();
  });
});
