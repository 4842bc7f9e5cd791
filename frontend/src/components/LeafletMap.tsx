import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './LeafletMap.css';
import { useEffect, useRef } from 'preact/hooks';
import { label, localeStore, t } from '../lib/i18n';
import { useStore } from '../lib/store';
import { shapeSvg } from '../lib/mapStyle';
import { navigate } from '../lib/router';
import { MapLegend, type MapPoint } from './MapView';

// Leaflet and its stylesheet: only the map page loads this module (pages/Map.tsx imports it
// dynamically), so neither is in the first load.

export interface TileSource {
  urlTemplate: string;
  attribution: string;
}

/** No tile loaded within this long: the background is taken as unavailable. */
export const TILE_TIMEOUT_MS = 6000;
/** Markers' boxes: at least 24 CSS pixels (WCAG 2.2, 2.5.8); the shape inside is a little smaller. */
export const MARKER_PX = 28;
const SHAPE_PX = 22;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A marker's accessible name: the proposal's code and title, and its status. */
export const markerName = (p: MapPoint) => `${p.title} (${label('status', p.status)})`;

/** The marker's HTML: a real link (keyboard reachable, its name the code and title) around the status's shape. */
export function markerHtml(p: MapPoint): string {
  const name = escapeHtml(markerName(p));
  return `<a href="${escapeHtml(p.href)}" class="map-marker__link" aria-label="${name}" title="${name}" data-lat="${p.lat}" data-lon="${p.lon}">${shapeSvg(p.status, SHAPE_PX)}</a>`;
}

/**
 * The proposals on a tiled background (Leaflet). Calls `onTilesFailed` once when the tiles do
 * not come: every tile of the first view failed, none loaded within `TILE_TIMEOUT_MS`, or the
 * browser is offline; the page then shows the plain view instead.
 */
export default function LeafletMap({ points, caption, tiles, onTilesFailed }: { points: MapPoint[]; caption: string; tiles: TileSource; onTilesFailed: () => void }) {
  const container = useRef<HTMLDivElement>(null);
  const failed = useRef(onTilesFailed);
  failed.current = onTilesFailed;
  const locale = useStore(localeStore);
  const key = JSON.stringify(points.map((p) => [p.id, p.lat, p.lon, p.status, p.title]));
  const mapRef = useRef<L.Map | null>(null);
  // The map and its tiles: again only when the points or the source change.
  useEffect(() => {
    const el = container.current;
    if (!el) return;
    let done = false;
    const fail = () => {
      if (done) return;
      done = true;
      failed.current();
    };
    // Markers are links: open the proposal in the app, not by reloading the page.
    const onClick = (e: MouseEvent) => {
      const link = (e.target as Element | null)?.closest?.('a.map-marker__link');
      if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(link.getAttribute('href')!);
    };
    el.addEventListener('click', onClick);
    const map = L.map(el, { zoomControl: false, attributionControl: false });
    mapRef.current = map;
    // A marker reached with the keyboard comes into view: the map pans to it (and undoes the
    // browser's own scrolling of the map's box, which Leaflet does not expect).
    const onFocus = (e: FocusEvent) => {
      const link = (e.target as Element | null)?.closest?.('a.map-marker__link');
      if (!link) return;
      el.scrollTop = 0;
      el.scrollLeft = 0;
      const lat = Number(link.getAttribute('data-lat'));
      const lon = Number(link.getAttribute('data-lon'));
      if (Number.isFinite(lat) && Number.isFinite(lon)) map.panInside([lat, lon], { padding: [MARKER_PX * 2, MARKER_PX * 2], animate: false });
    };
    el.addEventListener('focusin', onFocus);
    L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);
    const bounds = L.latLngBounds(points.map((p) => [p.lat, p.lon] as [number, number]));
    if (points.length === 1) map.setView(bounds.getCenter(), 16);
    else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    let loaded = 0;
    const layer = L.tileLayer(tiles.urlTemplate, { maxZoom: 19, attribution: escapeHtml(tiles.attribution) });
    layer.on('tileload', () => {
      loaded++;
    });
    // 'load': every tile of the view has loaded or failed.
    layer.on('load', () => {
      if (loaded === 0) fail();
    });
    layer.addTo(map);
    const timer = setTimeout(() => {
      if (loaded === 0) fail();
    }, TILE_TIMEOUT_MS);
    if (typeof navigator !== 'undefined' && navigator.onLine === false) fail();
    return () => {
      done = true;
      clearTimeout(timer);
      el.removeEventListener('click', onClick);
      el.removeEventListener('focusin', onFocus);
      mapRef.current = null;
      map.remove();
    };
  }, [key, tiles.urlTemplate, tiles.attribution]);
  // The markers and the zoom buttons, whose names are in the reader's language: again at a
  // switch, without moving the map.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const zoom = L.control.zoom({ zoomInTitle: t('map.zoomIn'), zoomOutTitle: t('map.zoomOut') }).addTo(map);
    const markers = L.layerGroup();
    for (const p of points) {
      const icon = L.divIcon({ className: 'map-marker', html: markerHtml(p), iconSize: [MARKER_PX, MARKER_PX], iconAnchor: [MARKER_PX / 2, MARKER_PX / 2] });
      // The link inside is the keyboard's stop; the marker's own element is not a second one.
      L.marker([p.lat, p.lon], { icon, keyboard: false, riseOnHover: true }).addTo(markers);
    }
    markers.addTo(map);
    return () => {
      // The map may be gone already (its effect's cleanup ran first).
      if (mapRef.current !== map) return;
      markers.remove();
      zoom.remove();
    };
  }, [key, locale, tiles.urlTemplate, tiles.attribution]);
  const statuses = [...new Set(points.map((p) => p.status))];
  return (
    <figure class="map">
      <figcaption id="map-caption">{caption}</figcaption>
      <div ref={container} class="map__leaflet" role="group" aria-labelledby="map-caption" data-testid="leaflet-map" />
      <MapLegend statuses={statuses} />
    </figure>
  );
}
