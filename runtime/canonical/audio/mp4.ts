/**
 * MP4 / M4A / MOV (ISO base media): the movie header `moov/mvhd` holds the duration in
 * its own timescale. `moov` may come before or after the media data (`mdat`); the
 * whole upload is in memory, so the top-level boxes are walked to it either way.
 */

/** Boxes walked at most at one level. */
const MAX_BOXES = 256;

/** [start of content, end] of the first box of `type` among the boxes in [from, to). */
function findBox(b: Buffer, from: number, to: number, type: string): [number, number] | null {
  let at = from;
  for (let n = 0; n < MAX_BOXES && at + 8 <= to; n++) {
    let size = b.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return null;
      size = Number(b.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header) return null;
    if (b.toString("latin1", at + 4, at + 8) === type) return [at + header, Math.min(to, at + size)];
    at += size;
  }
  return null;
}

export function mp4Seconds(b: Buffer): number | null {
  if (b.length < 12 || b.toString("latin1", 4, 8) !== "ftyp") return null;
  const moov = findBox(b, 0, b.length, "moov");
  if (moov === null) return null;
  const mvhd = findBox(b, moov[0], moov[1], "mvhd");
  if (mvhd === null) return null;
  const at = mvhd[0];
  // A full box: version (1 byte), flags (3); then creation and modification times, 4 or 8 bytes each.
  const v1 = b[at] === 1;
  if (at + (v1 ? 32 : 20) > mvhd[1]) return null;
  const timescale = b.readUInt32BE(at + (v1 ? 20 : 12));
  const duration = v1 ? Number(b.readBigUInt64BE(at + 24)) : b.readUInt32BE(at + 16);
  if (timescale === 0) return null;
  return duration / timescale;
}
