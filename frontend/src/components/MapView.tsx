import { useEffect, useRef, useState } from 'preact/hooks';
import { navigate } from '../lib/router';
import { label, t } from '../lib/i18n';
import { formatNumber } from '../lib/format';
import { SHAPE_PATHS, statusColor, statusStyle } from '../lib/mapStyle';

export interface MapPoint {
  id: number;
  lat: number;
  lon: number;
  title: string;
  status: string;
  href: string;
}

export interface Bounds {
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

/** The box around the points with a margin, never degenerate. */
export function boundsOf(points: ReadonlyArray<{ lat: number; lon: number }>): Bounds | null {
  if (points.length === 0) return null;
  let minLat = Infinity, maxLat = -Infinity, minLon = Infinity, maxLon = -Infinity;
  for (const p of points) {
    minLat = Math.min(minLat, p.lat);
    maxLat = Math.max(maxLat, p.lat);
    minLon = Math.min(minLon, p.lon);
    maxLon = Math.max(maxLon, p.lon);
  }
  const padLat = Math.max((maxLat - minLat) * 0.08, 0.002);
  const padLon = Math.max((maxLon - minLon) * 0.08, 0.002);
  return { minLat: minLat - padLat, maxLat: maxLat + padLat, minLon: minLon - padLon, maxLon: maxLon + padLon };
}

/** Equirectangular projection into an SVG box (north up), scaled by cos(latitude). */
export function project(b: Bounds, width: number, lat: number, lon: number): { x: number; y: number; height: number } {
  const midLat = ((b.minLat + b.maxLat) / 2) * (Math.PI / 180);
  const spanX = (b.maxLon - b.minLon) * Math.cos(midLat);
  const spanY = b.maxLat - b.minLat;
  const height = Math.max(200, Math.min(width * 1.2, (width * spanY) / spanX));
  return { x: ((lon - b.minLon) / (b.maxLon - b.minLon)) * width, y: ((b.maxLat - lat) / spanY) * height, height };
}

/** Touch targets of at least 24 CSS pixels (WCAG 2.2, 2.5.8), visible dots of 16. */
export const TARGET_PX = 24;
const DOT_PX = 16;

/** The SVG's rendered width, to size the dots in screen pixels rather than in its viewBox. */
function useRenderedWidth(fallback: number) {
  const ref = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const measure = () => {
      const w = el.getBoundingClientRect().width;
      if (w > 0) setWidth(w);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

export { statusColor };

/** A status's shape in its colour, `size` CSS pixels across (the legends). */
export function StatusShape({ status, size = 16 }: { status: string; size?: number }) {
  const style = statusStyle(status);
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false" class="map__shape">
      <path d={SHAPE_PATHS[style.shape]} fill={style.color} fill-rule="evenodd" stroke="#1a1f1c" stroke-width="1.75" stroke-linejoin="round" />
    </svg>
  );
}

/** The key to the shapes and colours of the statuses shown. */
export function MapLegend({ statuses }: { statuses: string[] }) {
  return (
    <ul class="map__legend" aria-label={t('map.legend')} data-testid="map-legend">
      {statuses.map((s) => (
        <li key={s}>
          <StatusShape status={s} /> {label('status', s)}
        </li>
      ))}
    </ul>
  );
}

/** An SVG scatter of proposals by coordinates: no tiles, no network. */
export function MapView({ points, caption }: { points: MapPoint[]; caption: string }) {
  const single = points.length === 1;
  const rendered = useRenderedWidth(1000);
  const bounds = boundsOf(points);
  if (!bounds) return <p>{t('map.none')}</p>;
  const width = 1000;
  const height = single ? 360 : project(bounds, width, bounds.minLat, bounds.minLon).height;
  const statuses = [...new Set(points.map((p) => p.status))];
  const grid = 4;
  // viewBox units per screen pixel; the SVG is never drawn taller than 75vh (styles.css), so
  // take the larger of the two scales.
  const scale = Math.max(width / rendered.width, typeof window === 'undefined' ? 0 : height / Math.max(1, window.innerHeight * 0.75));
  // A pixel to spare: the border and rounding take a little of the drawn size.
  const target = (TARGET_PX / 2 + 1) * Math.max(scale, 1);
  const dot = Math.max(11, (DOT_PX / 2) * scale);
  return (
    <figure class="map">
      <figcaption id="map-caption">{caption}</figcaption>
      <svg ref={rendered.ref} viewBox={`0 0 ${width} ${height}`} width="100%" class="map__svg" role="group" aria-labelledby="map-caption">
        <rect x="0" y="0" width={width} height={height} class="map__bg" />
        {Array.from({ length: grid + 1 }, (_, i) => {
          const lat = bounds.minLat + ((bounds.maxLat - bounds.minLat) * i) / grid;
          const lon = bounds.minLon + ((bounds.maxLon - bounds.minLon) * i) / grid;
          const y = single ? height * (1 - i / grid) : project(bounds, width, lat, bounds.minLon).y;
          const x = project(bounds, width, bounds.minLat, lon).x;
          return (
            <g key={i} class="map__grid" aria-hidden="true">
              <line x1="0" x2={width} y1={y} y2={y} />
              <line y1="0" y2={height} x1={x} x2={x} />
              <text x="4" y={Math.max(14, y - 4)}>{formatNumber(Number(lat.toFixed(3)))}°</text>
              <text x={Math.min(width - 70, x + 4)} y={height - 6}>{formatNumber(Number(lon.toFixed(3)))}°</text>
            </g>
          );
        })}
        {points.map((p) => {
          const { x, y: rawY } = project(bounds, width, p.lat, p.lon);
          const y = single ? height / 2 : rawY;
          return (
            <a
              key={p.id}
              href={p.href}
              class="map__point"
              aria-label={`${p.title} (${label('status', p.status)})`}
              onClick={(e) => {
                e.preventDefault();
                navigate(p.href);
              }}
            >
              <title>{`${p.title} — ${label('status', p.status)}`}</title>
              {/* The target: transparent, at least 24 px across; the dot inside it. */}
              <circle cx={x} cy={y} r={target} class="map__target" />
              <path
                d={SHAPE_PATHS[statusStyle(p.status).shape]}
                transform={`translate(${x - 12 * (dot / 9)} ${y - 12 * (dot / 9)}) scale(${dot / 9})`}
                fill={statusColor(p.status)}
                fill-rule="evenodd"
                class="map__dot"
              />
            </a>
          );
        })}
      </svg>
      {!single && <MapLegend statuses={statuses} />}
    </figure>
  );
}
