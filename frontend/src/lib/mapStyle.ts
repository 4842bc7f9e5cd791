/**
 * How a proposal's status looks on the map: an Okabe–Ito colour (told apart with the common
 * colour-vision deficiencies) *and* a shape, so colour is never the only cue (the orange of
 * "cadangan" and the vermillion of "dikembalikan" differ by shape too). Both the plain view
 * (components/MapView.tsx) and the tiled one (components/LeafletMap.tsx) draw these, in a
 * 24 × 24 box centred on (12, 12), with a dark outline that stands out on any background.
 */
export type Shape = 'circle' | 'square' | 'diamond' | 'triangle' | 'triangleDown' | 'cross' | 'star' | 'hexagon' | 'pentagon' | 'ring' | 'plus';

export interface StatusStyle {
  color: string;
  shape: Shape;
}

const STYLES: Record<string, StatusStyle> = {
  SUBMITTED: { color: '#0072B2', shape: 'circle' },
  VERIFIED: { color: '#009E73', shape: 'square' },
  FORWARDED: { color: '#CC79A7', shape: 'diamond' },
  RESERVE: { color: '#E69F00', shape: 'triangle' },
  RETURNED: { color: '#D55E00', shape: 'triangleDown' },
  REJECTED: { color: '#000000', shape: 'cross' },
  ACCEPTED: { color: '#56B4E9', shape: 'star' },
  MERGED: { color: '#F0E442', shape: 'hexagon' },
  NOT_ACCEPTED: { color: '#999999', shape: 'pentagon' },
  WITHDRAWN: { color: '#FFFFFF', shape: 'ring' },
  DRAFT: { color: '#BBBBBB', shape: 'plus' },
};

const FALLBACK: StatusStyle = { color: '#374151', shape: 'circle' };

export function statusStyle(status: string): StatusStyle {
  return STYLES[status] ?? FALLBACK;
}

export const statusColor = (status: string) => statusStyle(status).color;

function polygon(n: number, r: number, rotation = -Math.PI / 2, inner?: number): string {
  const points: string[] = [];
  const count = inner === undefined ? n : n * 2;
  for (let i = 0; i < count; i++) {
    const radius = inner !== undefined && i % 2 === 1 ? inner : r;
    const a = rotation + (i * 2 * Math.PI) / count;
    points.push(`${(12 + radius * Math.cos(a)).toFixed(2)} ${(12 + radius * Math.sin(a)).toFixed(2)}`);
  }
  return `M${points.join(' L')}Z`;
}

/** The outline of each shape as an SVG path in the 24 × 24 box (the ring's hole is cut out: even-odd). */
export const SHAPE_PATHS: Record<Shape, string> = {
  circle: 'M12 3.5a8.5 8.5 0 1 0 0.001 0Z',
  square: 'M4.5 4.5h15v15h-15Z',
  diamond: 'M12 2.5 21.5 12 12 21.5 2.5 12Z',
  triangle: 'M12 2.5 21.5 19.5H2.5Z',
  triangleDown: 'M2.5 4.5H21.5L12 21.5Z',
  cross: 'M4 7.5 7.5 4 12 8.5 16.5 4 20 7.5 15.5 12 20 16.5 16.5 20 12 15.5 7.5 20 4 16.5 8.5 12Z',
  star: polygon(5, 10, -Math.PI / 2, 4.6),
  hexagon: polygon(6, 9.5, 0),
  pentagon: polygon(5, 9.5),
  ring: 'M12 3a9 9 0 1 0 0.001 0ZM12 8a4 4 0 1 1-0.001 0Z',
  plus: 'M9 3h6v6h6v6h-6v6H9v-6H3V9h6Z',
};

/** The shape as an SVG string (for Leaflet's markers, which take HTML). */
export function shapeSvg(status: string, size: number): string {
  const { color, shape } = statusStyle(status);
  return (
    `<svg width="${size}" height="${size}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">` +
    `<path d="${SHAPE_PATHS[shape]}" fill="${color}" fill-rule="evenodd" stroke="#1a1f1c" stroke-width="1.75" stroke-linejoin="round"/></svg>`
  );
}
