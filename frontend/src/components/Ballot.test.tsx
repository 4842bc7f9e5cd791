import { render } from 'preact';
import { act } from 'preact/test-utils';
import { useState } from 'preact/hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BallotForm, type BallotProposal } from './Ballot';
import { KnapsackMeter } from './charts';
import { emptyDraft, knapsackState, type BallotDraft, type BallotRules } from '../lib/ballot';
import { setLocale } from '../lib/i18n';

const plain = (s: string | null | undefined) => (s ?? '').replace(/\u00a0|\u202f/g, ' ');
const proposals: BallotProposal[] = [
  { id: 1, code: 'USL-1', title: 'Drainase', estimatedCost: 200_000_000, region: null },
  { id: 2, code: 'USL-2', title: 'Paving jalan', estimatedCost: 300_000_000, region: null },
  { id: 3, code: 'USL-3', title: 'Lampu jalan', estimatedCost: 400_000_000, region: null },
];

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

function Harness({ rules, initial }: { rules: BallotRules; initial?: BallotDraft }) {
  const [draft, setDraft] = useState<BallotDraft>(initial ?? emptyDraft());
  return (
    <>
      <BallotForm rules={rules} proposals={proposals} draft={draft} onChange={setDraft} idPrefix="t" />
      <output id="state">{JSON.stringify(draft)}</output>
    </>
  );
}
const state = () => JSON.parse(root.querySelector('#state')!.textContent!) as BallotDraft;
const click = (el: Element | null) => act(() => (el as HTMLElement).click());

describe('the knapsack meter', () => {
  it('shows what is spent and what is left, in Rupiah', () => {
    const costs = new Map(proposals.map((p) => [p.id, p.estimatedCost]));
    act(() => render(<KnapsackMeter state={knapsackState(650_000_000, costs, [1, 2])} />, root));
    const text = plain(root.querySelector('[data-testid=knapsack-remaining]')?.textContent);
    expect(text).toContain('Terpakai Rp 500.000.000 dari Rp 650.000.000.');
    expect(text).toContain('Sisa Rp 150.000.000');
    const meter = root.querySelector('meter')!;
    expect(meter.getAttribute('max')).toBe('650000000');
    expect(meter.getAttribute('value')).toBe('500000000');
    expect(root.querySelector('label[for=knapsack-meter]')).not.toBeNull();
  });
  it('says by how much a ballot is over', () => {
    const costs = new Map(proposals.map((p) => [p.id, p.estimatedCost]));
    act(() => render(<KnapsackMeter state={knapsackState(600_000_000, costs, [2, 3])} />, root));
    expect(plain(root.textContent)).toContain('Melebihi Rp 100.000.000');
    expect(root.querySelector('.knapsack--over')).not.toBeNull();
  });
});

describe('the ballot form', () => {
  it('knapsack: the meter follows the choices and disables what no longer fits', () => {
    act(() => render(<Harness rules={{ method: 'KNAPSACK', costLimit: 650_000_000 }} />, root));
    expect(plain(root.textContent)).toContain('Sisa Rp 650.000.000');
    click(root.querySelector('#t-opt-1'));
    click(root.querySelector('#t-opt-2'));
    expect(state().chosen).toEqual([1, 2]);
    expect(plain(root.textContent)).toContain('Sisa Rp 150.000.000');
    expect((root.querySelector('#t-opt-3') as HTMLInputElement).disabled).toBe(true);
    click(root.querySelector('#t-opt-2'));
    expect((root.querySelector('#t-opt-3') as HTMLInputElement).disabled).toBe(false);
  });
  it('approval: stops at the limit', () => {
    act(() => render(<Harness rules={{ method: 'APPROVAL', maxChoices: 1 }} />, root));
    click(root.querySelector('#t-opt-3'));
    expect(root.textContent).toContain('1 dari 1 dipilih');
    expect((root.querySelector('#t-opt-1') as HTMLInputElement).disabled).toBe(true);
  });
  it('choose-one: radio buttons, the last choice wins', () => {
    act(() => render(<Harness rules={{ method: 'CHOOSE_ONE' }} />, root));
    expect(root.querySelectorAll('input[type=radio]').length).toBe(3);
    click(root.querySelector('#t-opt-1'));
    click(root.querySelector('#t-opt-2'));
    expect(state().chosen).toEqual([2]);
  });
  it('ranking: add, then move up and down with labelled buttons', () => {
    act(() => render(<Harness rules={{ method: 'RANKING', maxChoices: 3 }} />, root));
    const add = (title: string) => click(root.querySelector(`button[aria-label="Tambah “${title}” ke urutan"]`));
    add('Drainase');
    add('Paving jalan');
    add('Lampu jalan');
    expect(state().chosen).toEqual([1, 2, 3]);
    click(root.querySelector('button[aria-label="Naikkan “Lampu jalan”"]'));
    expect(state().chosen).toEqual([1, 3, 2]);
    click(root.querySelector('button[aria-label="Turunkan “Drainase”"]'));
    expect(state().chosen).toEqual([3, 1, 2]);
    expect((root.querySelector('button[aria-label="Naikkan “Lampu jalan”"]') as HTMLButtonElement).disabled).toBe(true);
    click(root.querySelector('button[aria-label="Hapus “Drainase” dari urutan"]'));
    expect(state().chosen).toEqual([3, 2]);
  });
  it('cumulative: points with the points left', () => {
    act(() => render(<Harness rules={{ method: 'CUMULATIVE', pointsBudget: 10, maxPointsPerProposal: 6 }} />, root));
    const input = root.querySelector('#t-pts-2') as HTMLInputElement;
    act(() => {
      input.value = '4';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(state()).toEqual({ chosen: [2], points: { 2: 4 } });
    expect(root.querySelector('[data-testid=points-left]')?.textContent).toBe('Sisa poin: 6 dari 10');
  });
});
