import { Provider } from '@urql/preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import AccountPage, { MY_DATA_FILE, myDataBlob } from './Account';
import { ConfirmRegistrationPage, ForgotPasswordPage, SetPasswordPage } from './Auth';
import { setLocale } from '../lib/i18n';
import { navigate } from '../lib/router';
import { meStore, signIn, signOut, tokenStore, type Me } from '../lib/session';
import { testClient, type Handler } from '../lib/testClient';

const settle = async () => {
  for (let i = 0; i < 5; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};
const ME: Me = { id: 9, name: 'Warga Satu', verification: 'VERIFIED', email: 'warga@contoh.id', phone: null, homeRegion: { id: 4, name: 'RT 01 / RW 01', level: 'RT', parentId: 3 }, roles: [] };
const badInput = (field: string, message: string) => ({ error: { message: 'invalid input', extensions: { code: 'BAD_USER_INPUT', fields: [{ field, code: 'invalid', message }] } } });

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
  navigate('/');
});
function mount(handler: Handler, node: preact.ComponentChildren) {
  const { client, seen } = testClient(handler);
  act(() => render(<Provider value={client}>{node}</Provider>, root));
  return seen;
}
const input = (id: string, value: string) => {
  const el = root.querySelector<HTMLInputElement>(`#${id}`)!;
  act(() => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
};
const submit = async (selector = 'form') => {
  act(() => {
    root.querySelector<HTMLFormElement>(selector)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
};

describe('forgot password', () => {
  it('always gives the same confirmation, and tells residents without email where to go', async () => {
    const seen = mount(() => ({ data: { requestPasswordReset: true } }), <ForgotPasswordPage />);
    expect(root.textContent).toContain('minta fasilitator');
    input('forgot-email', ' tidak.ada@contoh.id ');
    await submit();
    expect(seen).toEqual([{ name: 'RequestPasswordReset', variables: { email: 'tidak.ada@contoh.id' } }]);
    expect(root.querySelector('[data-testid=reset-sent]')?.textContent).toContain('Jika alamat itu terdaftar, tautan untuk mengatur ulang kata sandi telah dikirim.');
  });
});

describe('registration confirmed by mail', () => {
  it('opens the mailed link only when the person presses the button, then signs in', async () => {
    navigate('/konfirmasi-daftar?token=feed01');
    const seen = mount(
      (name) => (name === 'ConfirmRegistration' ? { data: { confirmRegistration: { token: 'tok', account: ME } } } : {}),
      <ConfirmRegistrationPage />,
    );
    await settle();
    expect(seen).toEqual([]);
    await submit();
    expect(seen).toEqual([{ name: 'ConfirmRegistration', variables: { token: 'feed01' } }]);
    expect(tokenStore.get()).toBe('tok');
    expect(location.pathname).toBe('/');
  });

  it('says when the link is used up', async () => {
    navigate('/konfirmasi-daftar?token=used');
    mount(() => badInput('token', 'this link is unknown, already used or expired: register again'), <ConfirmRegistrationPage />);
    await submit();
    expect(tokenStore.get()).toBeNull();
    expect(root.querySelector('[role=alert]')).not.toBeNull();
  });
});

describe('setting a new password', () => {
  it('takes the token from the link (no code field), signs in and goes home', async () => {
    navigate('/atur-sandi?token=abc123');
    const seen = mount(
      (name) => (name === 'ResetPassword' ? { data: { resetPassword: { token: 'tok', account: ME } } } : {}),
      <SetPasswordPage />,
    );
    expect(root.querySelector('#reset-code')).toBeNull();
    input('reset-password', 'tiga kata acak sekali');
    input('reset-confirm', 'tiga kata acak sekali');
    await submit();
    expect(seen).toEqual([{ name: 'ResetPassword', variables: { token: 'abc123', newPassword: 'tiga kata acak sekali' } }]);
    expect(tokenStore.get()).toBe('tok');
    expect(meStore.get()?.name).toBe('Warga Satu');
    expect(location.pathname).toBe('/');
  });

  it('asks for the code without a token, and shows the server’s field errors at their fields', async () => {
    navigate('/atur-sandi');
    let answer = badInput('newPassword', 'this password is easy to guess: use a longer one, e.g. three unrelated words');
    const seen = mount(() => answer, <SetPasswordPage />);
    // The two passwords must agree before anything is sent.
    input('reset-code', 'K7QF-2M9D');
    input('reset-password', 'rahasia');
    input('reset-confirm', 'lain');
    await submit();
    expect(seen).toEqual([]);
    expect(root.querySelector('#reset-confirm-error')?.textContent).toContain('kedua kata sandi tidak sama');
    input('reset-confirm', 'rahasia');
    await submit();
    expect(seen).toEqual([{ name: 'ResetPassword', variables: { token: 'K7QF-2M9D', newPassword: 'rahasia' } }]);
    expect(root.querySelector('#reset-password-error')?.textContent).toContain('kata sandi ini mudah ditebak');
    expect(root.querySelector('#reset-password')?.getAttribute('aria-invalid')).toBe('true');
    answer = badInput('token', 'is unknown, used or expired');
    await submit();
    expect(root.querySelector('#reset-code-error')?.textContent).toContain('is unknown, used or expired');
  });

  it('says a used link is no longer valid and offers a new one', async () => {
    navigate('/atur-sandi?token=used');
    mount(() => badInput('token', 'is unknown, used or expired'), <SetPasswordPage />);
    input('reset-password', 'tiga kata acak sekali');
    input('reset-confirm', 'tiga kata acak sekali');
    await submit();
    const alert = root.querySelector('[data-testid=reset-bad-token]');
    expect(alert?.textContent).toContain('tidak berlaku lagi');
    expect(alert?.querySelector('a')?.getAttribute('href')).toBe('/lupa-sandi');
  });
});

describe('the account page', () => {
  it('shows the person’s own details; empty contact fields read as none', () => {
    signIn('tok', ME);
    mount(() => ({}), <AccountPage />);
    expect(root.querySelector('[data-testid=account-email]')?.textContent).toBe('warga@contoh.id');
    expect(root.querySelector('[data-testid=account-phone]')?.textContent).toBe('tidak ada');
    expect(root.querySelector('a[href="/privasi"]')).not.toBeNull();
  });

  it('downloads myData as data-saya.json', async () => {
    signIn('tok', ME);
    const created: Blob[] = [];
    const names: string[] = [];
    const create = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      created.push(b as Blob);
      return 'blob:x';
    });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    mount(() => ({ data: { myData: { account: { email: 'warga@contoh.id' }, proposals: [] } } }), <AccountPage />);
    const button = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Unduh data saya')!;
    act(() => button.click());
    await settle();
    expect(names).toEqual([MY_DATA_FILE]);
    expect(JSON.parse(await created[0].text())).toEqual({ account: { email: 'warga@contoh.id' }, proposals: [] });
    create.mockRestore();
    click.mockRestore();
  });

  it('erases the account only after the password, then signs out and says so', async () => {
    signIn('tok', ME);
    const seen = mount((name) => (name === 'EraseMyAccount' ? { data: { eraseMyAccount: true } } : {}), <AccountPage />);
    const start = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Saya ingin menghapus akun saya')!;
    act(() => start.click());
    await settle();
    input('acc-erase-password', 'musrenbang2027');
    await submit('#acc-erase-form');
    expect(seen).toEqual([{ name: 'EraseMyAccount', variables: { password: 'musrenbang2027' } }]);
    expect(tokenStore.get()).toBeNull();
    expect(meStore.get()).toBeNull();
    expect(location.pathname + location.search).toBe('/akun?dihapus=1');
    await settle();
    expect(root.querySelector('[data-testid=account-erased]')?.textContent).toContain('Akun Anda telah dihapus');
  });

  it('writes pretty JSON', async () => {
    expect(await myDataBlob({ a: 1 }).text()).toBe('{\n  "a": 1\n}\n');
  });
});
