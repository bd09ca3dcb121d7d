/**
 * WAV (RIFF/WAVE): the `fmt ` chunk's byte rate and the `data` chunk's size. A size
 * of 0 or 0xFFFFFFFF (written by streaming recorders) means "to the end of the file".
 */

/** Chunks walked at most before giving up (a WAV has a handful). */
const MAX_CHUNKS = 64;

export function wavSeconds(b: Buffer): number | null {
  if (b.length < 12 || b.toString("latin1", 0, 4) !== "RIFF" || b.toString("latin1", 8, 12) !== "WAVE") return null;
  let at = 12;
  let byteRate = 0;
  for (let n = 0; n < MAX_CHUNKS && at + 8 <= b.length; n++) {
    const id = b.toString("latin1", at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === "fmt " && at + 20 <= b.length) byteRate = b.readUInt32LE(at + 16);
    if (id === "data") {
      if (byteRate <= 0) return null;
      const available = b.length - (at + 8);
      const bytes = size === 0 || size === 0xffffffff || size > available ? available : size;
      return bytes / byteRate;
    }
    // Chunks are padded to an even size.
    at += 8 + size + (size & 1);
  }
  return null;
}
