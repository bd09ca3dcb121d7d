/**
 * Ogg (Opus, Vorbis): the first page's packet names the codec (and Vorbis its sample
 * rate; Opus always counts at 48 kHz, minus its pre-skip); the last page's granule
 * position is the number of samples up to its end.
 */

/** How far from the end the last page is searched for. */
const TAIL_WINDOW = 64 * 1024;

export function oggSeconds(b: Buffer): number | null {
  if (b.length < 28 || b.toString("latin1", 0, 4) !== "OggS") return null;
  const packet = 27 + b[26]!;
  if (packet + 19 > b.length) return null;
  let rate: number;
  let preSkip = 0;
  if (b.toString("latin1", packet, packet + 8) === "OpusHead") {
    rate = 48_000;
    preSkip = b.readUInt16LE(packet + 10);
  } else if (b[packet] === 1 && b.toString("latin1", packet + 1, packet + 7) === "vorbis") {
    rate = b.readUInt32LE(packet + 12);
  } else {
    return null;
  }
  if (rate === 0) return null;
  const tail = Math.max(0, b.length - TAIL_WINDOW);
  const found = b.subarray(tail, b.length - 26).lastIndexOf("OggS", undefined, "latin1");
  if (found < 0) return null;
  const last = tail + found;
  const granule = b.readBigInt64LE(last + 6);
  // -1: no packet ends on that page (a truncated upload).
  if (granule < 0n) return null;
  return Math.max(0, Number(granule) - preSkip) / rate;
}
