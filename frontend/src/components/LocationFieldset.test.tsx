import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocationFieldset, type LocationValues } from './LocationFieldset';
import { setLocale } from '../lib/i18n';

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  delete (navigator as { geolocation?: unknown }).geolocation;
});

describe('the shared location fieldset', () => {
  it('has the address, both coordinates and "use my location", under the prefix, with what the form puts first', async () => {
    const position = { coords: { latitude: -7.6298123456, longitude: 111.5239987654 } };
    Object.defineProperty(navigator, 'geolocation', { configurable: true, value: { getCurrentPosition: (ok: (p: typeof position) => void) => ok(position) } });
    const changes: Array<[keyof LocationValues, string]> = [];
    const positions: string[][] = [];
    act(() =>
      render(
        <LocationFieldset
          idPrefix="xf"
          legend="Lokasi"
          values={{ address: 'Jl. Salak 3', latitude: '', longitude: '' }}
          errors={{ latitude: 'bukan angka' }}
          addressHint="Nama jalan"
          addressMaxLength={300}
          onChange={(field, value) => changes.push([field, value])}
          onPosition={(lat, lon) => positions.push([lat, lon])}
        >
          <p id="first">Forum</p>
        </LocationFieldset>,
        root,
      ),
    );
    expect(root.querySelector('legend')?.textContent).toBe('Lokasi');
    expect(root.querySelector('fieldset > :nth-child(2)')?.id).toBe('first');
    const address = root.querySelector<HTMLInputElement>('#xf-address')!;
    expect(address.value).toBe('Jl. Salak 3');
    expect(address.maxLength).toBe(300);
    expect(root.querySelector('#xf-lat-error')?.textContent).toContain('bukan angka');
    const lon = root.querySelector<HTMLInputElement>('#xf-lon')!;
    lon.value = '111,5';
    await act(() => {
      lon.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(changes).toEqual([['longitude', '111,5']]);
    const locate = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Gunakan lokasi saya')!;
    await act(() => locate.click());
    expect(positions).toEqual([['-7.629812', '111.523999']]);
  });
});
