/**
 * WebM / Matroska (EBML): `Segment/Info/Duration` (a float, in units of
 * `TimestampScale` nanoseconds, 1 ms by default). Browsers' MediaRecorder writes no
 * Duration while recording: such files answer null (estimated from the size).
 */

const EBML = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const CLUSTER = 0x1f43b675;
const TIMESTAMP_SCALE = 0x2ad7b1;
const DURATION = 0x4489;
/** Elements walked at most (the Info element comes before the first cluster). */
const MAX_ELEMENTS = 512;

interface Element {
  readonly id: number;
  /** Start of the element's data. */
  readonly data: number;
  /** End of its data; the end of the file for an unknown size. */
  readonly end: number;
}

/** A variable-length integer: its value (marker bit removed unless `keepMarker`) and length; null past the end. */
function vint(b: Buffer, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } | null {
  if (at >= b.length) return null;
  const first = b[at]!;
  let length = 1;
  while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) length++;
  if (length > 8 || at + length > b.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[at + i]!;
    if (b[at + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function element(b: Buffer, at: number): Element | null {
  const id = vint(b, at, true);
  if (id === null) return null;
  const size = vint(b, at + id.length, false);
  if (size === null) return null;
  const data = at + id.length + size.length;
  return { id: id.value, data, end: size.unknown ? b.length : Math.min(b.length, data + size.value) };
}

export function webmSeconds(b: Buffer): number | null {
  const header = element(b, 0);
  if (header === null || header.id !== EBML) return null;
  const segment = element(b, header.end);
  if (segment === null || segment.id !== SEGMENT) return null;
  let at = segment.data;
  for (let n = 0; n < MAX_ELEMENTS && at < segment.end; n++) {
    const e = element(b, at);
    if (e === null || e.id === CLUSTER) return null;
    if (e.id === INFO) return infoSeconds(b, e);
    at = e.end;
  }
  return null;
}

function infoSeconds(b: Buffer, info: Element): number | null {
  let scale = 1_000_000;
  let duration: number | null = null;
  let at = info.data;
  for (let n = 0; n < MAX_ELEMENTS && at < info.end; n++) {
    const e = element(b, at);
    if (e === null) break;
    const length = e.end - e.data;
    if (e.id === TIMESTAMP_SCALE && length >= 1 && length <= 6) scale = b.readUIntBE(e.data, length);
    if (e.id === DURATION && (length === 4 || length === 8)) duration = length === 4 ? b.readFloatBE(e.data) : b.readDoubleBE(e.data);
    at = e.end;
  }
  return duration === null ? null : (duration * scale) / 1e9;
}
