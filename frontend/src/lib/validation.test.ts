import { describe, expect, it } from 'vitest';
import { Checks, MAX_BUDGET, costWarning, farFromEstimate, inFormOrder, parseMoney, problemTexts, serverProblems } from './validation';
import type { ApiError } from './errors';

const plain = (s: string | null | undefined) => (s ?? '').replace(/\u00a0|\u202f/g, ' ');

describe('parseMoney', () => {
  it('reads plain digits and grouped thousands in either convention, with or without "Rp"', () => {
    for (const typed of ['2500000', '2.500.000', '2,500,000', 'Rp 2.500.000', 'rp2.500.000', 'Rp. 2.500.000', ' 2 500 000 ', '2.500.000,00', '2,500,000.00', 'Rp\u00a02.500.000']) {
      expect(parseMoney(typed), typed).toEqual({ value: 2_500_000, problem: null });
    }
    expect(parseMoney('0')).toEqual({ value: 0, problem: null });
    expect(parseMoney('2.500')).toEqual({ value: 2500, problem: null });
  });

  it('is no amount (and no problem) when empty', () => {
    expect(parseMoney('')).toEqual({ value: null, problem: null });
    expect(parseMoney('   ')).toEqual({ value: null, problem: null });
  });

  it('refuses a negative amount instead of dropping the sign', () => {
    for (const typed of ['-2500000', '-2.500.000', '−2.500.000', 'Rp -2.500.000', '-Rp 2.500.000', '(2.500.000)', '-0,5']) {
      expect(parseMoney(typed).problem, typed).toBe('negative');
      expect(parseMoney(typed).value).toBeNull();
    }
  });

  it('refuses letters, odd groupings and cents rather than guessing', () => {
    for (const typed of ['abc', '2,5 juta', '2500000-', '25OO', '1.2.3', '2.50.000', '12e6', 'Rp', '+']) {
      expect(parseMoney(typed).problem, typed).toBe('notNumber');
    }
    for (const typed of ['12,5', '2.500.000,50', '1500.75']) expect(parseMoney(typed).problem, typed).toBe('fraction');
  });

  it('refuses more than the largest amount the server takes', () => {
    expect(parseMoney('1000000000001').problem).toBe('tooLarge');
    expect(parseMoney('1000000000000').value).toBe(1_000_000_000_000);
    expect(parseMoney('1000000000001', MAX_BUDGET).value).toBe(1_000_000_000_001);
    expect(parseMoney('99999999999999999999', MAX_BUDGET).problem).toBe('tooLarge');
  });
});

describe('checks', () => {
  it('run every field in one pass and keep the form order; an empty required field is "wajib diisi"', () => {
    const c = new Checks();
    c.text('title', '', 5, 200);
    c.text('problem', 'pendek', 10, 5000);
    c.number('volume', '');
    c.money('estimatedCost', '-2500000');
    c.number('beneficiaries', '12,5', { integer: true, min: 0 });
    c.text('unit', '', 1, 40, { required: false });
    expect(c.ok).toBe(false);
    expect(Object.keys(c.problems)).toEqual(['title', 'problem', 'volume', 'estimatedCost', 'beneficiaries']);
    expect(problemTexts(c.problems, 'id')).toEqual({
      title: 'wajib diisi',
      problem: 'harus 10–5000 karakter',
      volume: 'wajib diisi',
      estimatedCost: 'tidak boleh negatif: tulis jumlahnya tanpa tanda minus',
      beneficiaries: 'harus bilangan bulat',
    });
    // The same problems in English: kept as keys, translated when shown.
    expect(problemTexts(c.problems, 'en')).toEqual({
      title: 'is required',
      problem: 'must be 10–5000 characters',
      volume: 'is required',
      estimatedCost: 'must not be negative: write the amount without a minus sign',
      beneficiaries: 'must be a whole number',
    });
  });

  it('keep the first problem of a field and read numbers in either locale', () => {
    const c = new Checks();
    expect(c.number('volume', '12,5')).toBe(12.5);
    expect(c.number('volume2', '12.5')).toBe(12.5);
    expect(c.number('beneficiaries', '1.500', { integer: true })).toBe(1500);
    expect(c.number('year', '1999', { integer: true, min: 2000, max: 2100, plain: true })).toBeNull();
    c.add('year', 'field.required');
    expect(problemTexts(c.problems, 'id').year).toBe('harus antara 2000 dan 2100');
    expect(c.money('cost', 'Rp 650.000.000')).toBe(650_000_000);
    expect(c.text('title', '  Jalan rusak  ', 5, 200)).toBe('Jalan rusak');
  });

  it('sort problems into the form order, whatever order they came in (the server sorts by name)', () => {
    const order = ['forumId', 'address', 'title', 'problem', 'volume', 'estimatedCost'];
    expect(inFormOrder({ volume: 'a', address: 'b', title: 'c', zzz: 'd', estimatedCost: 'e' }, order).map(([f]) => f)).toEqual(['address', 'title', 'volume', 'estimatedCost', 'zzz']);
  });
});

describe("the server's field problems", () => {
  const error: ApiError = {
    code: 'BAD_USER_INPUT',
    message: 'invalid input',
    fields: [
      { field: 'name', code: 'length', message: 'must be 2 to 120 characters long' },
      { field: 'password', code: 'length', message: 'must be 8 to 128 characters long' },
      { field: 'email', code: 'email', message: 'must be a valid email address' },
    ],
  };
  it('read "wajib diisi" for a length rule broken by an empty field, the rule otherwise, in the chosen language', () => {
    expect(serverProblems(error, { name: '', password: 'pendek', email: 'x' }, 'id')).toEqual({ name: 'wajib diisi', password: 'harus 8–128 karakter', email: 'alamat email tidak valid' });
    expect(serverProblems(error, { name: '  ', password: 'pendek' }, 'en')).toEqual({ name: 'is required', password: 'must be 8 to 128 characters long', email: 'must be a valid email address' });
    expect(serverProblems(null)).toEqual({});
  });
});

describe("the catalogue's estimate", () => {
  const drainage = { unitCost: 1_500_000, unit: 'meter' };
  it('warns when the cost is more than twice or less than half of volume × unit cost', () => {
    expect(farFromEstimate(180_000_000, 180_000_000)).toBe(false);
    expect(farFromEstimate(360_000_000, 180_000_000)).toBe(false);
    expect(farFromEstimate(360_000_001, 180_000_000)).toBe(true);
    expect(farFromEstimate(90_000_000, 180_000_000)).toBe(false);
    expect(farFromEstimate(89_999_999, 180_000_000)).toBe(true);
    expect(farFromEstimate(null, 180_000_000)).toBe(false);
    expect(farFromEstimate(5, null)).toBe(false);
  });
  it('says what the catalogue expects, in the chosen language', () => {
    expect(plain(costWarning(2_500_000, 120, drainage, 'id'))).toBe(
      'Biaya jauh dari perkiraan katalog: 120 meter × Rp 1.500.000 = Rp 180.000.000. Periksa volume dan biaya; bila sudah benar, usulan tetap dapat disimpan.',
    );
    expect(plain(costWarning(2_500_000, 120, drainage, 'en'))).toMatch(/^The cost is far from the catalogue’s estimate: 120 meter × Rp 1,500,000 = Rp 180,000,000\./);
    expect(costWarning(200_000_000, 120, drainage, 'id')).toBeNull();
    expect(costWarning(2_500_000, 120, null, 'id')).toBeNull();
    expect(costWarning(2_500_000, null, drainage, 'id')).toBeNull();
  });
});
