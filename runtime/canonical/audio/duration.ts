/**
 * How long an uploaded audio file plays, read from its container's header without
 * decoding anything: WAV, FLAC, MP3 (Xing/Info/VBRI frame counts, else the constant
 * bitrate), MP4/M4A (`mvhd`), Ogg (Opus, Vorbis: the last page's granule position) and
 * WebM/Matroska (`Duration` in the segment info). Admission reserves that many
 * seconds on `audio-seconds` quotas; the provider's reported duration settles it.
 *
 * Every reader is bounded (a fixed number of boxes/chunks/elements, a fixed window for
 * searches) and never throws on malformed input: it answers null, and the duration is
 * then estimated from the size.
 */
import { flacSeconds } from "./flac.js";
import { mp3Seconds } from "./mp3.js";
import { mp4Seconds } from "./mp4.js";
import { oggSeconds } from "./ogg.js";
import { wavSeconds } from "./wav.js";
import { webmSeconds } from "./webm.js";

/** Bytes per second assumed when the container does not say (128 kbit/s: common for compressed speech uploads). */
export const FALLBACK_BYTES_PER_SECOND = 16_000;

export interface AudioDuration {
  readonly seconds: number;
  /** `header`: read from the file; `size`: estimated from its size. */
  readonly source: "header" | "size";
}

/** Containers recognised by their first bytes; MP3 (no container) is tried only when none matches. */
const CONTAINERS: readonly ((audio: Buffer) => number | null)[] = [wavSeconds, flacSeconds, mp4Seconds, oggSeconds, webmSeconds];

function isContainer(b: Buffer): boolean {
  if (b.length < 8) return false;
  const magic = b.toString("latin1", 0, 4);
  return magic === "RIFF" || magic === "fLaC" || magic === "OggS" || magic === "\x1a\x45\xdf\xa3" || b.toString("latin1", 4, 8) === "ftyp";
}

export function audioDuration(audio: Buffer): AudioDuration {
  const readers = isContainer(audio) ? CONTAINERS : [...CONTAINERS, mp3Seconds];
  for (const read of readers) {
    let seconds: number | null;
    try {
      seconds = read(audio);
    } catch {
      // A reader indexing past a truncated header: not this format, or not readable.
      seconds = null;
    }
    if (seconds !== null && Number.isFinite(seconds) && seconds >= 0) return { seconds, source: "header" };
  }
  return { seconds: audio.length / FALLBACK_BYTES_PER_SECOND, source: "size" };
}
