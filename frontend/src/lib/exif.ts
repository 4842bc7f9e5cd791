// The GPS position a camera wrote into a JPEG's EXIF data (APP1 "Exif", a TIFF structure:
// IFD0 → GPSInfo IFD → GPSLatitude/Ref, GPSLongitude/Ref as degrees, minutes and seconds).
// Read in the browser from the original file, only when the resident asks for it: the photo
// that is sent is redrawn first, which drops all its metadata (lib/upload.ts, `prepareFile`).
// Malformed data never throws: it reads as no position.

export interface GpsPosition {
  latitude: number;
  longitude: number;
}

/** How much of a file is read: EXIF sits in the first segment(s), at most 64 KB by the standard. */
const HEAD_BYTES = 256 * 1024;

const TAG_GPS_IFD = 0x8825;
const TAG_LAT_REF = 1;
const TAG_LAT = 2;
const TAG_LON_REF = 3;
const TAG_LON = 4;
const TYPE_ASCII = 2;
const TYPE_RATIONAL = 5;
const TYPE_SRATIONAL = 10;

/** The position in a photo file, or null (not a JPEG, no EXIF, no GPS, or unreadable). */
export async function readGpsFromFile(file: Blob): Promise<GpsPosition | null> {
  try {
    const head = file.slice(0, HEAD_BYTES);
    const buffer = typeof head.arrayBuffer === 'function' ? await head.arrayBuffer() : await new Response(head).arrayBuffer();
    return readGps(new Uint8Array(buffer));
  } catch {
    return null;
  }
}

/** The position in the bytes of a JPEG (its start is enough), or null. */
export function readGps(bytes: Uint8Array): GpsPosition | null {
  try {
    const tiff = exifTiff(bytes);
    return tiff ? gpsOfTiff(tiff) : null;
  } catch {
    return null;
  }
}

/** The TIFF structure inside the JPEG's APP1 "Exif\0\0" segment. */
function exifTiff(bytes: Uint8Array): DataView | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    // Markers without a length (TEM, RSTn); the start of scan or the end: no more headers.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null;
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2) return null;
    const start = at + 4;
    const end = Math.min(bytes.length, at + 2 + length);
    if (
      marker === 0xe1 &&
      end - start >= 14 &&
      bytes[start] === 0x45 && // E
      bytes[start + 1] === 0x78 && // x
      bytes[start + 2] === 0x69 && // i
      bytes[start + 3] === 0x66 && // f
      bytes[start + 4] === 0 &&
      bytes[start + 5] === 0
    ) {
      return new DataView(bytes.buffer, bytes.byteOffset + start + 6, end - start - 6);
    }
    at += 2 + length;
  }
  return null;
}

interface Entry {
  type: number;
  count: number;
  /** Where the value is: inside the entry when it fits in 4 bytes, else at the offset it gives. */
  valueAt: number;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

function readIfd(view: DataView, offset: number, little: boolean): Map<number, Entry> | null {
  if (offset < 8 || offset + 2 > view.byteLength) return null;
  const count = view.getUint16(offset, little);
  if (count > 1000 || offset + 2 + count * 12 > view.byteLength) return null;
  const entries = new Map<number, Entry>();
  for (let i = 0; i < count; i++) {
    const e = offset + 2 + i * 12;
    const tag = view.getUint16(e, little);
    const type = view.getUint16(e + 2, little);
    const n = view.getUint32(e + 4, little);
    const size = (TYPE_SIZE[type] ?? 0) * n;
    const valueAt = size <= 4 ? e + 8 : view.getUint32(e + 8, little);
    if (!entries.has(tag)) entries.set(tag, { type, count: n, valueAt });
  }
  return entries;
}

function gpsOfTiff(view: DataView): GpsPosition | null {
  if (view.byteLength < 8) return null;
  const order = view.getUint16(0, false);
  const little = order === 0x4949; // "II"; "MM" is big-endian
  if (!little && order !== 0x4d4d) return null;
  if (view.getUint16(2, little) !== 42) return null;
  const ifd0 = readIfd(view, view.getUint32(4, little), little);
  const pointer = ifd0?.get(TAG_GPS_IFD);
  if (!pointer || (pointer.type !== 4 && pointer.type !== 13) || pointer.count !== 1) return null;
  const gps = readIfd(view, view.getUint32(pointer.valueAt, little), little);
  if (!gps) return null;
  const latRef = ascii(view, gps.get(TAG_LAT_REF));
  const lonRef = ascii(view, gps.get(TAG_LON_REF));
  const lat = degrees(view, gps.get(TAG_LAT), little);
  const lon = degrees(view, gps.get(TAG_LON), little);
  if (lat === null || lon === null || !latRef || !lonRef) return null;
  if (!/^[NS]$/.test(latRef) || !/^[EW]$/.test(lonRef)) return null;
  const latitude = latRef === 'S' ? -lat : lat;
  const longitude = lonRef === 'W' ? -lon : lon;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  // 0/0 is what some cameras write without a fix.
  if (latitude === 0 && longitude === 0) return null;
  return { latitude, longitude };
}

function ascii(view: DataView, entry: Entry | undefined): string | null {
  if (!entry || entry.type !== TYPE_ASCII || entry.count < 1 || entry.valueAt + 1 > view.byteLength) return null;
  return String.fromCharCode(view.getUint8(entry.valueAt)).toUpperCase();
}

/** Degrees from the three rationals (degrees, minutes, seconds); fewer are read as given. */
function degrees(view: DataView, entry: Entry | undefined, little: boolean): number | null {
  if (!entry || (entry.type !== TYPE_RATIONAL && entry.type !== TYPE_SRATIONAL) || entry.count < 1) return null;
  const parts = Math.min(3, entry.count);
  if (entry.valueAt + parts * 8 > view.byteLength) return null;
  let value = 0;
  for (let i = 0; i < parts; i++) {
    const at = entry.valueAt + i * 8;
    const num = entry.type === TYPE_RATIONAL ? view.getUint32(at, little) : view.getInt32(at, little);
    const den = entry.type === TYPE_RATIONAL ? view.getUint32(at + 4, little) : view.getInt32(at + 4, little);
    if (den === 0) {
      if (num === 0) continue; // an unset part
      return null;
    }
    value += num / den / 60 ** i;
  }
  return Number.isFinite(value) && value >= 0 ? value : null;
}
