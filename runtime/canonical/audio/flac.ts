/**
 * FLAC: the STREAMINFO block (always first) holds the sample rate (20 bits) and the
 * total number of samples (36 bits; 0 when the encoder did not know it).
 */
import { id3v2End } from "./id3.js";

export function flacSeconds(b: Buffer): number | null {
  const start = id3v2End(b);
  if (b.length < start + 8 + 34 || b.toString("latin1", start, start + 4) !== "fLaC") return null;
  if ((b[start + 4]! & 0x7f) !== 0) return null;
  const d = start + 8;
  const sampleRate = (b[d + 10]! << 12) | (b[d + 11]! << 4) | (b[d + 12]! >> 4);
  const samples = (b[d + 13]! & 0x0f) * 2 ** 32 + b.readUInt32BE(d + 14);
  if (sampleRate === 0 || samples === 0) return null;
  return samples / sampleRate;
}
