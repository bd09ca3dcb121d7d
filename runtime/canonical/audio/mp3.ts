/**
 * MP3 (MPEG-1/2/2.5 audio, layers I–III): the first frame header after any ID3v2 tag,
 * confirmed by the next frame's header where that frame says it starts (a lone 0xFFE
 * bit pattern in other data is not a frame). A VBR file carries its frame count in a Xing/Info or VBRI header inside that first
 * frame (exact duration); otherwise the file is constant-bitrate and its duration is
 * its audio bytes over the bitrate.
 */
import { id3v2End } from "./id3.js";

/** How far past the tag a first frame is searched for (some files have junk before it). */
const SYNC_WINDOW = 64 * 1024;

/** kbit/s by [MPEG-1?][layer 1..3][index]. */
const BITRATES: Readonly<Record<string, readonly number[]>> = {
  "1-1": [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  "1-2": [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  "1-3": [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "2-1": [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  "2-2": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  "2-3": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
/** Hz by version bits (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5) and index. */
const SAMPLE_RATES: Readonly<Record<number, readonly number[]>> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

interface FrameHeader {
  readonly mpeg1: boolean;
  readonly layer: 1 | 2 | 3;
  readonly kbps: number;
  readonly sampleRate: number;
  readonly mono: boolean;
  /** Bytes of this frame, header included. */
  readonly length: number;
}

function frameHeader(b: Buffer, at: number): FrameHeader | null {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return null;
  const version = (b[at + 1]! >> 3) & 3;
  const layerBits = (b[at + 1]! >> 1) & 3;
  const bitrateIndex = b[at + 2]! >> 4;
  const rateIndex = (b[at + 2]! >> 2) & 3;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const mpeg1 = version === 3;
  const kbps = BITRATES[`${mpeg1 ? 1 : 2}-${layer}`]![bitrateIndex]!;
  const sampleRate = SAMPLE_RATES[version]![rateIndex]!;
  const padding = (b[at + 2]! >> 1) & 1;
  const bps = kbps * 1000;
  const length = layer === 1 ? (Math.floor((12 * bps) / sampleRate) + padding) * 4 : Math.floor(((layer === 3 && !mpeg1 ? 72 : 144) * bps) / sampleRate) + padding;
  return { mpeg1, layer, kbps, sampleRate, mono: b[at + 3]! >> 6 === 3, length };
}

export function mp3Seconds(b: Buffer): number | null {
  const start = id3v2End(b);
  const limit = Math.min(b.length - 4, start + SYNC_WINDOW);
  let at = start;
  let h: FrameHeader | null = null;
  let frames: number | null = null;
  for (; at < limit; at++) {
    h = frameHeader(b, at);
    if (h === null) continue;
    frames = vbrFrames(b, at, h);
    const next = at + h.length;
    if (frames !== null || next === b.length || frameHeader(b, next) !== null) break;
    h = null;
  }
  if (h === null) return null;
  const samplesPerFrame = h.layer === 1 ? 384 : h.layer === 2 || h.mpeg1 ? 1152 : 576;
  if (frames !== null) return (frames * samplesPerFrame) / h.sampleRate;
  // An ID3v1 tag (128 bytes, "TAG") may close the file.
  const end = b.length >= 128 && b.toString("latin1", b.length - 128, b.length - 125) === "TAG" ? b.length - 128 : b.length;
  return ((end - at) * 8) / (h.kbps * 1000);
}

/** The frame count of a Xing/Info or VBRI header in the first frame, or null. */
function vbrFrames(b: Buffer, frame: number, h: FrameHeader): number | null {
  // Xing/Info sits after the side information, whose size depends on version and channels.
  const sideInfo = h.mpeg1 ? (h.mono ? 17 : 32) : h.mono ? 9 : 17;
  const xing = frame + 4 + sideInfo;
  if (xing + 12 <= b.length) {
    const tag = b.toString("latin1", xing, xing + 4);
    if ((tag === "Xing" || tag === "Info") && (b.readUInt32BE(xing + 4) & 1) !== 0) return b.readUInt32BE(xing + 8);
  }
  // VBRI (Fraunhofer) sits 32 bytes after the header: id, version, delay, quality, bytes, frames.
  const vbri = frame + 4 + 32;
  if (vbri + 18 <= b.length && b.toString("latin1", vbri, vbri + 4) === "VBRI") return b.readUInt32BE(vbri + 14);
  return null;
}
