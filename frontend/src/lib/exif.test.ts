import { describe, expect, it } from 'vitest';
import { readGps, readGpsFromFile } from './exif';

// A real 8×8 JPEG as Chromium encodes a canvas (SOI, APP0 JFIF, APP2 ICC profile, tables,
// SOS…), without any EXIF. The tests write EXIF segments with a GPS position into it.
const JPEG = Uint8Array.from(
  atob(
    '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAYEAADAQEAAAAAAAAAAAAAAAAAAxETIf/EABUBAQEAAAAAAAAAAAAAAAAAAAIF/8QAGREAAgMBAAAAAAAAAAAAAAAAAQIAAxEh/9oADAMBAAIRAxEAPwCS153toACBnBIttr2uXc6TP//Z',
  ),
  (c) => c.charCodeAt(0),
);

type Rational = [number, number];
interface Gps {
  latRef: string;
  lat: Rational[];
  lonRef: string;
  lon: Rational[];
  /** Signed rationals (type 10) instead of unsigned ones (type 5). */
  signed?: boolean;
}

/** A TIFF structure as cameras write it: IFD0 (Make, GPSInfo pointer) and the GPS IFD. */
function tiff(little: boolean, gps: Gps | null, { gpsOffsetShift = 0 } = {}): Uint8Array {
  const buf = new ArrayBuffer(512);
  const v = new DataView(buf);
  const u16 = (at: number, x: number) => v.setUint16(at, x, little);
  const u32 = (at: number, x: number) => v.setUint32(at, x, little);
  v.setUint16(0, little ? 0x4949 : 0x4d4d, false);
  u16(2, 42);
  u32(4, 8);
  // IFD0 at 8: Make ("Uji\0", fits in the entry) and, with a position, the GPSInfo pointer.
  const ifd0Entries = gps ? 2 : 1;
  u16(8, ifd0Entries);
  let e = 10;
  u16(e, 0x010f);
  u16(e + 2, 2);
  u32(e + 4, 4);
  [0x55, 0x6a, 0x69, 0].forEach((b, i) => v.setUint8(e + 8 + i, b));
  e += 12;
  const gpsAt = 10 + ifd0Entries * 12 + 4;
  if (gps) {
    u16(e, 0x8825);
    u16(e + 2, 4);
    u32(e + 4, 1);
    u32(e + 8, gpsAt + gpsOffsetShift);
    e += 12;
  }
  u32(e, 0); // no next IFD
  if (!gps) return new Uint8Array(buf, 0, e + 4);
  // The GPS IFD: version, refs (inline ASCII) and the rationals after it.
  const entries = 5;
  u16(gpsAt, entries);
  let g = gpsAt + 2;
  const data = gpsAt + 2 + entries * 12 + 4;
  const type = gps.signed ? 10 : 5;
  const put = (tag: number, t: number, count: number, inline: (at: number) => void) => {
    u16(g, tag);
    u16(g + 2, t);
    u32(g + 4, count);
    inline(g + 8);
    g += 12;
  };
  put(0, 1, 4, (at) => [2, 3, 0, 0].forEach((b, i) => v.setUint8(at + i, b)));
  put(1, 2, 2, (at) => v.setUint8(at, gps.latRef.charCodeAt(0)));
  put(2, type, gps.lat.length, (at) => u32(at, data));
  put(3, 2, 2, (at) => v.setUint8(at, gps.lonRef.charCodeAt(0)));
  put(4, type, gps.lon.length, (at) => u32(at, data + gps.lat.length * 8));
  u32(g, 0);
  [...gps.lat, ...gps.lon].forEach(([n, d], i) => {
    if (gps.signed) {
      v.setInt32(data + i * 8, n, little);
      v.setInt32(data + i * 8 + 4, d, little);
    } else {
      u32(data + i * 8, n);
      u32(data + i * 8 + 4, d);
    }
  });
  return new Uint8Array(buf, 0, data + (gps.lat.length + gps.lon.length) * 8);
}

/** An APP1 segment: FFE1, length, "Exif\0\0", the TIFF structure. */
function app1(t: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 6 + t.length);
  out.set([0xff, 0xe1, ((t.length + 8) >> 8) & 0xff, (t.length + 8) & 0xff, 0x45, 0x78, 0x69, 0x66, 0, 0]);
  out.set(t, 10);
  return out;
}

/** The JPEG with a segment inserted after `skip` bytes (2: right after SOI, as cameras do). */
function withSegment(segment: Uint8Array, skip = 2): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(JPEG.length + segment.length);
  out.set(JPEG.subarray(0, skip));
  out.set(segment, skip);
  out.set(JPEG.subarray(skip), skip + segment.length);
  return out;
}

// Madiun: 7° 37' 47.28" S, 111° 31' 26.04" E → -7.6298, 111.5239.
const MADIUN: Gps = {
  latRef: 'S',
  lat: [
    [7, 1],
    [37, 1],
    [4728, 100],
  ],
  lonRef: 'E',
  lon: [
    [111, 1],
    [31, 1],
    [2604, 100],
  ],
};

describe('readGps', () => {
  it('reads the fixture as a JPEG without a position', () => {
    expect(JPEG[0]).toBe(0xff);
    expect(JPEG[1]).toBe(0xd8);
    expect(JPEG[JPEG.length - 2]).toBe(0xff);
    expect(JPEG[JPEG.length - 1]).toBe(0xd9);
    expect(readGps(JPEG)).toBeNull();
  });

  it('reads a little-endian (Intel) GPS position, south and east', () => {
    const gps = readGps(withSegment(app1(tiff(true, MADIUN))));
    expect(gps).not.toBeNull();
    expect(gps!.latitude).toBeCloseTo(-7.6298, 6);
    expect(gps!.longitude).toBeCloseTo(111.5239, 6);
  });

  it('reads a big-endian (Motorola) one the same', () => {
    const gps = readGps(withSegment(app1(tiff(false, MADIUN))));
    expect(gps!.latitude).toBeCloseTo(-7.6298, 6);
    expect(gps!.longitude).toBeCloseTo(111.5239, 6);
  });

  it('finds the EXIF segment after the JFIF and ICC segments too', () => {
    // APP0 is 18 bytes from 2; APP2 (ICC) follows: insert the EXIF after both.
    const app0End = 2 + 2 + ((JPEG[4] << 8) | JPEG[5]);
    const app2End = app0End + 2 + ((JPEG[app0End + 2] << 8) | JPEG[app0End + 3]);
    expect(JPEG[app0End + 1]).toBe(0xe2);
    const gps = readGps(withSegment(app1(tiff(true, MADIUN)), app2End));
    expect(gps!.latitude).toBeCloseTo(-7.6298, 6);
  });

  it('reads north, west, decimal minutes and signed rationals', () => {
    const gps = readGps(
      withSegment(
        app1(
          tiff(true, {
            latRef: 'N',
            lat: [
              [5, 1],
              [3045, 100],
              [0, 1],
            ],
            lonRef: 'W',
            lon: [
              [95, 1],
              [0, 1],
              [0, 0],
            ],
            signed: true,
          }),
        ),
      ),
    );
    expect(gps!.latitude).toBeCloseTo(5 + 30.45 / 60, 6);
    expect(gps!.longitude).toBeCloseTo(-95, 6);
  });

  it('is null without a GPS IFD, at 0/0, or with a reference that is not N/S/E/W', () => {
    expect(readGps(withSegment(app1(tiff(true, null))))).toBeNull();
    const zero: Gps = { latRef: 'N', lat: [[0, 1]], lonRef: 'E', lon: [[0, 1]] };
    expect(readGps(withSegment(app1(tiff(true, zero))))).toBeNull();
    expect(readGps(withSegment(app1(tiff(true, { ...MADIUN, latRef: 'X' }))))).toBeNull();
  });

  it('never throws on broken data: offsets outside the segment, truncation, zero denominators, other formats', () => {
    expect(readGps(withSegment(app1(tiff(true, MADIUN, { gpsOffsetShift: 4000 }))))).toBeNull();
    const whole = withSegment(app1(tiff(true, MADIUN)));
    for (let cut = 0; cut < 200; cut += 7) expect(() => readGps(whole.subarray(0, cut))).not.toThrow();
    expect(readGps(whole.subarray(0, 60))).toBeNull();
    const broken = { ...MADIUN, lat: [[7, 0] as Rational, [37, 1] as Rational, [0, 1] as Rational] };
    expect(readGps(withSegment(app1(tiff(true, broken))))).toBeNull();
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    expect(readGps(png)).toBeNull();
    expect(readGps(new Uint8Array(0))).toBeNull();
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    random[0] = 0xff;
    random[1] = 0xd8;
    expect(() => readGps(random)).not.toThrow();
  });

  it('reads a chosen file (its first bytes only)', async () => {
    const file = new File([withSegment(app1(tiff(false, MADIUN)))], 'saluran.jpg', { type: 'image/jpeg' });
    const gps = await readGpsFromFile(file);
    expect(gps!.latitude).toBeCloseTo(-7.6298, 6);
    expect(gps!.longitude).toBeCloseTo(111.5239, 6);
    expect(await readGpsFromFile(new File([JPEG], 'tanpa-lokasi.jpg', { type: 'image/jpeg' }))).toBeNull();
  });
});
