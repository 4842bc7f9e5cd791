// The map page: the plain view when the server names no tile source; the tiled map (its module
// fetched only then) when it does, and the plain view with a note when the tiles do not come.
import { Provider } from '@urql/preact';
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../lib/i18n';
import { testClient, type Handler } from '../lib/testClient';
import { markerHtml } from '../components/LeafletMap';

const leaflet = vi.hoisted(() => ({ fail: false, allowed: true }));
vi.mock('../lib/csp', () => ({ pageAllowsImagesFrom: async () => leaflet.allowed }));
vi.mock('../components/LeafletMap', async (original) => {
  const real = await original<typeof import('../components/LeafletMap')>();
  return {
    ...real,
    // Leaflet itself does not run in happy-dom: a stand-in that reports its tiles failing when told to.
    default: ({ points, onTilesFailed }: { points: unknown[]; onTilesFailed: () => void }) => {
      useEffect(() => {
        if (leaflet.fail) onTilesFailed();
      }, []);
      return <div data-testid="leaflet-map">{points.length}</div>;
    },
  };
});
const { default: MapPage } = await import('./Map');

const settle = async () => {
  for (let i = 0; i < 10; i++) await act(() => new Promise((r) => setTimeout(r, 0)));
};
const proposal = (id: number, status: string) => ({ id, code: `USL-2027-000${id}`, title: `Usulan ${id}`, status, level: 'DESA_KELURAHAN', estimatedCost: 1000, beneficiaries: 1, createdAt: '2026-11-01T00:00:00Z', latitude: -7.6 - id / 1000, longitude: 111.5 + id / 1000, commentCount: 0, region: { id: 1, name: 'RT 01' }, sector: null, forum: { id: 1, name: 'F' } });
const handler =
  (tiles: unknown): Handler =>
  (name) => {
    if (name === 'MapTiles') return { data: { mapTiles: tiles } };
    if (name === 'Forums') return { data: { forums: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } } };
    if (name === 'Proposals') return { data: { proposals: { totalCount: 2, pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null }, nodes: [proposal(1, 'SUBMITTED'), proposal(2, 'RESERVE')] } } };
    return { data: null };
  };

let root: HTMLElement;
beforeEach(() => {
  setLocale('id');
  leaflet.fail = false;
  leaflet.allowed = true;
  root = document.createElement('div');
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});
function mount(tiles: unknown) {
  const { client } = testClient(handler(tiles));
  act(() => render(<Provider value={client}>{<MapPage />}</Provider>, root));
}
const OSM = { urlTemplate: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: '© OpenStreetMap contributors' };

describe('the map page', () => {
  it('without a tile source: the plain points and their key, no note', async () => {
    mount(null);
    await settle();
    expect(root.querySelectorAll('.map__point').length).toBe(2);
    expect(root.querySelector('[data-testid="leaflet-map"]')).toBeNull();
    expect(root.querySelector('[data-testid="map-no-tiles"]')).toBeNull();
    expect([...root.querySelectorAll('[data-testid="map-legend"] li')].map((li) => li.textContent?.trim())).toEqual(['Diajukan', 'Cadangan']);
  });

  it('with a tile source: the tiled map', async () => {
    mount(OSM);
    await settle();
    expect(root.querySelector('[data-testid="leaflet-map"]')?.textContent).toBe('2');
    expect(root.querySelector('.map__point')).toBeNull();
  });

  it("when the site's policy does not allow the tile host's images: the plain points with the note", async () => {
    leaflet.allowed = false;
    mount(OSM);
    await settle();
    expect(root.querySelector('[data-testid="leaflet-map"]')).toBeNull();
    expect(root.querySelector('[data-testid="map-no-tiles"]')?.textContent).toBe('Peta dasar tidak dapat dimuat; titik usulan ditampilkan tanpa peta.');
    expect(root.querySelectorAll('.map__point').length).toBe(2);
  });

  it('when the tiles do not come: the plain points with the note', async () => {
    leaflet.fail = true;
    mount(OSM);
    await settle();
    expect(root.querySelector('[data-testid="leaflet-map"]')).toBeNull();
    expect(root.querySelector('[data-testid="map-no-tiles"]')?.textContent).toBe('Peta dasar tidak dapat dimuat; titik usulan ditampilkan tanpa peta.');
    expect(root.querySelectorAll('.map__point').length).toBe(2);
  });
});

describe('a marker', () => {
  it('is a link to the proposal named by its code, title and status, its shape by status', () => {
    const html = markerHtml({ id: 4, lat: -7.6, lon: 111.5, title: 'USL-2027-0004 Saluran "baru" <RT 01>', status: 'RETURNED', href: '/usulan/4' });
    const box = document.createElement('div');
    box.innerHTML = html;
    const a = box.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('/usulan/4');
    expect(a.getAttribute('aria-label')).toBe('USL-2027-0004 Saluran "baru" <RT 01> (Dikembalikan)');
    expect(a.querySelector('svg')?.getAttribute('aria-hidden')).toBe('true');
    const other = document.createElement('div');
    other.innerHTML = markerHtml({ id: 5, lat: 0, lon: 0, title: 'x', status: 'RESERVE', href: '/usulan/5' });
    // Orange and vermillion differ by shape too.
    expect(other.querySelector('path')?.getAttribute('d')).not.toBe(a.querySelector('path')?.getAttribute('d'));
  });
});
