import { CombinedError } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, codeMessage, detailMessage, fieldErrors, fieldMessage, toApiError } from './errors';

function graphqlError(message: string, extensions: Record<string, unknown>) {
  return new CombinedError({ graphQLErrors: [{ message, extensions }] });
}

describe('reading API errors', () => {
  it('takes the code and the field problems from the extensions', () => {
    const error = toApiError(
      graphqlError('invalid input: email, password', {
        code: 'BAD_USER_INPUT',
        fields: [
          { field: 'email', code: 'email', message: 'must be a valid email address' },
          { field: 'password', code: 'length', message: 'must be 8 to 128 characters long' },
        ],
      }),
    )!;
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(fieldErrors(error, 'id')).toEqual({ email: 'alamat email tidak valid', password: 'harus 8–128 karakter' });
    expect(fieldErrors(error, 'en')).toEqual({ email: 'must be a valid email address', password: 'must be 8 to 128 characters long' });
  });
  it('keeps the waiting time of a rate limit', () => {
    const error = toApiError(graphqlError('too many attempts', { code: 'RATE_LIMITED', retryAfterSeconds: 840 }))!;
    expect(codeMessage(error.code, 'id', error.retryAfterSeconds)).toBe('Terlalu banyak percobaan. Coba lagi dalam 14 menit.');
    expect(codeMessage(error.code, 'en', error.retryAfterSeconds)).toBe('Too many attempts. Try again in 14 minutes.');
  });
  it('treats a missing answer as a network problem and no error as none', () => {
    expect(toApiError(new CombinedError({ networkError: new Error('Failed to fetch') }))?.code).toBe('NETWORK');
    expect(toApiError(undefined)).toBeNull();
  });
  it('maps unknown codes to the internal error', () => {
    expect(toApiError(graphqlError('boom', { code: 'WHATEVER' }))?.code).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('translating error codes', () => {
  it('has a sentence for every documented code in both languages', () => {
    for (const code of ERROR_CODES) {
      const id = codeMessage(code, 'id');
      const en = codeMessage(code, 'en');
      expect(id).toBeTruthy();
      expect(en).toBeTruthy();
      expect(id).not.toBe(en);
    }
    expect(codeMessage('UNAUTHENTICATED', 'id')).toMatch(/masuk/);
    expect(codeMessage('FORBIDDEN', 'id')).toMatch(/tidak berwenang/);
    expect(codeMessage('NOT_FOUND', 'id')).toMatch(/tidak ditemukan/);
    expect(codeMessage('CONFLICT', 'en')).toMatch(/already exists/);
    expect(codeMessage('FAILED_PRECONDITION', 'en')).toMatch(/cannot be done right now/);
    expect(codeMessage('INTERNAL_SERVER_ERROR', 'id')).toMatch(/server/);
  });
  it('translates the common field problems and keeps the rest as sent', () => {
    expect(fieldMessage({ field: 'latitude', code: 'range', message: 'must lie within Indonesia (-11.5 to 6.5)' }, 'id')).toBe('koordinat harus berada di wilayah Indonesia');
    expect(fieldMessage({ field: 'estimatedCost', code: 'range', message: 'must be between 0 and 1000000000000' }, 'id')).toBe('harus antara 0 dan 1000000000000');
    expect(fieldMessage({ field: 'reason', code: 'length', message: 'say in 5 to 1000 characters why the paper ballot is not yours' }, 'id')).toBe('harus 5–1000 karakter');
    expect(fieldMessage({ field: 'note', code: 'required', message: 'say why the proposal becomes rejected' }, 'id')).toBe('wajib diisi');
    // Implementation reports (src/domain/implementation.rs).
    expect(fieldMessage({ field: 'photoUrl', code: 'url', message: 'is invalid (url)' }, 'id')).toBe('alamat tautan tidak valid (mulai dengan https://)');
    // Links the server refuses (http(s) with a host; attachments may also be a path on the server).
    expect(fieldMessage({ field: 'onlineUrl', code: 'url', message: 'must be an http(s) address' }, 'id')).toBe('alamat tautan tidak valid (mulai dengan https://)');
    expect(fieldMessage({ field: 'url', code: 'url', message: 'must be an http(s) address or a path on this server' }, 'id')).toBe('alamat tautan tidak valid (mulai dengan https://)');
    expect(fieldMessage({ field: 'photoUrl', code: 'url', message: 'some other wording' }, 'id')).toBe('alamat tautan tidak valid (mulai dengan https://)');
    expect(fieldMessage({ field: 'photoUrl', code: 'url', message: 'must be an http(s) address' }, 'en')).toBe('must be an http(s) address');
    expect(fieldMessage({ field: 'happenedOn', code: 'future', message: 'report what has happened, not what is planned' }, 'id')).toBe('tanggal tidak boleh di masa depan');
    expect(fieldMessage({ field: 'email', code: 'unique', message: 'an account with this email already exists' }, 'id')).toBe('sudah terdaftar');
    expect(fieldMessage({ field: 'x', code: 'odd', message: 'something else' }, 'id')).toBe('something else');
  });
  it('translates the server\'s known rule explanations and keeps others as sent', () => {
    const e = (message: string) => ({ code: 'FAILED_PRECONDITION' as const, message, fields: [] });
    expect(detailMessage(e('not enough budget left: Rp 0 remain, the proposal costs Rp 18.000.000'), 'id')).toBe('Pagu tidak cukup: sisa Rp 0, biaya usulan Rp 18.000.000.');
    expect(detailMessage(e('close the voting round first: Prioritas RW'), 'id')).toBe('Tutup dulu putaran pemungutan suara: Prioritas RW.');
    expect(detailMessage(e('not enough budget left: Rp 0 remain, the proposal costs Rp 1'), 'en')).toBe('not enough budget left: Rp 0 remain, the proposal costs Rp 1');
    expect(detailMessage(e('something new'), 'id')).toBe('something new');
  });
});

describe('account field problems (issue 13)', () => {
  it('are translated: wrong password, weak password, keeping a sign-in, a used reset link', () => {
    const f = (message: string, code = 'x') => fieldMessage({ field: 'password', code, message }, 'id');
    expect(f('this is not your current password', 'wrong')).toBe('bukan kata sandi Anda saat ini');
    expect(f('this password is easy to guess: use a longer one, e.g. three unrelated words', 'weak')).toContain('mudah ditebak');
    // Its code is "required", but it says more than "wajib diisi".
    expect(f('keep an email address or a phone number to sign in with', 'required')).toBe('simpan alamat email atau nomor ponsel untuk masuk');
    expect(f('this link or code is unknown, already used or expired: ask for a new one', 'invalid')).toContain('sudah dipakai');
  });
});
