#!/usr/bin/env node
// Draws the app's icons for the web manifest (public/icons/): the header's mark (a white "M"
// on the green of src/styles.css) as SVG, and as PNG at 192 and 512 px plus a maskable 512 px
// one (full-bleed green, the mark inside the safe zone). Node only (zlib for the PNG), no
// image library. The PNGs are checked in; run again after changing the mark:
//   node scripts/icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
const GREEN = [0x0b, 0x5d, 0x3b];
const WHITE = [0xff, 0xff, 0xff];
// The mark in a 16-unit box, as in src/app.tsx and index.html: M3 12V4l5 4 5-4v8, stroke 2.
const MARK = [
  [3, 12],
  [3, 4],
  [8, 8],
  [13, 4],
  [13, 12],
];
const STROKE = 2;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // no filter
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
/** Whether a point (in mark units) is on the stroke: round joins, flat ends (the legs end at y 12). */
function onMark(x, y) {
  if (y > 12) return false;
  for (let i = 0; i < MARK.length - 1; i++) if (distanceToSegment(x, y, MARK[i], MARK[i + 1]) <= STROKE / 2) return true;
  return false;
}
function inRoundedSquare(x, y, size, radius) {
  const cx = Math.min(Math.max(x, radius), size - radius);
  const cy = Math.min(Math.max(y, radius), size - radius);
  return Math.hypot(x - cx, y - cy) <= radius;
}

/**
 * One icon: `maskable` fills the square and draws the mark at `scale` of it, centred; else a
 * rounded green square with the mark at full size, as in the header.
 */
function draw(size, { maskable }) {
  const rgba = Buffer.alloc(size * size * 4);
  const samples = 4;
  const markBox = maskable ? size * 0.68 : size;
  const offset = (size - markBox) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const px = x + (sx + 0.5) / samples;
          const py = y + (sy + 0.5) / samples;
          if (!maskable && !inRoundedSquare(px, py, size, (size * 3) / 16)) continue;
          bg++;
          if (onMark(((px - offset) / markBox) * 16, ((py - offset) / markBox) * 16)) fg++;
        }
      }
      const n = samples * samples;
      const i = (y * size + x) * 4;
      if (bg === 0) continue;
      const f = fg / bg;
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(GREEN[c] * (1 - f) + WHITE[c] * f);
      rgba[i + 3] = Math.round((bg / n) * 255);
    }
  }
  return png(size, rgba);
}

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b5d3b"/><path d="M3 12V4l5 4 5-4v8" stroke="#fff" stroke-width="2" stroke-linejoin="round" fill="none"/></svg>\n`;

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'icon.svg'), SVG);
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
]) {
  const file = draw(size, { maskable });
  writeFileSync(join(out, name), file);
  console.log(`icons: ${name} ${size}×${size}, ${(file.length / 1000).toFixed(1)} kB`);
}
