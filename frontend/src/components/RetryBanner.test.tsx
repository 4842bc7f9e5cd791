import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetryBanner } from './ui';
import { setLocale } from '../lib/i18n';
import { retryingStore, setRetrying } from '../lib/retry';

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  setLocale('id');
});

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('the retry banner', () => {
  it('is a polite status region, empty until something waits to be retried, in both languages', async () => {
    act(() => render(<RetryBanner />, root));
    const region = root.querySelector('.retry-banner')!;
    expect(region.getAttribute('role')).toBe('status');
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(region.textContent).toBe('');

    const key = {};
    setRetrying(key, true);
    await act(nextTask);
    expect(retryingStore.get()).toBe(true);
    expect(root.querySelector('.retry-banner')!.textContent).toBe('Server sedang sibuk atau dimulai ulang — mencoba lagi…');
    act(() => setLocale('en'));
    act(() => render(<RetryBanner />, root));
    expect(root.querySelector('.retry-banner')!.textContent).toBe('Server busy or restarting — retrying…');

    setRetrying(key, false);
    await act(nextTask);
    expect(root.querySelector('.retry-banner')!.textContent).toBe('');
  });
});
