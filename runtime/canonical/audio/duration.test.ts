/**
 * Audio durations read from container headers, on files built here byte by byte from
 * each format's specification (no encoder is installed on this machine), plus
 * truncated and hostile inputs, which must fall back to the size estimate without
 * throwing.
 */
import { describe, expect, it } from "vitest";
import { flac, mp3Cbr, mp3Xing, mp4, oggOpus, oggVorbis, u32be, u32le, wav, webm } from "../../../test/support/audio-files.js";
import { audioDuration, FALLBACK_BYTES_PER_SECOND } from "./duration.js";

describe("audioDuration", () => {
  it("WAV: data size over byte rate, with padded odd chunks and streaming sizes", () => {
    expect(audioDuration(wav(2.5))).toEqual({ seconds: 2.5, source: "header" });
    expect(audioDuration(wav(1, { sampleRate: 44_100, channels: 2, extraChunk: true })).seconds).toBeCloseTo(1, 6);
    expect(audioDuration(wav(3, { dataSize: 0xffffffff })).seconds).toBeCloseTo(3, 6);
    expect(audioDuration(wav(3, { dataSize: 0 })).seconds).toBeCloseTo(3, 6);
  });

  it("FLAC: STREAMINFO's total samples over the sample rate", () => {
    expect(audioDuration(flac(44_100, 44_100 * 61))).toEqual({ seconds: 61, source: "header" });
    expect(audioDuration(flac(48_000, 2 ** 33)).seconds).toBeCloseTo(2 ** 33 / 48_000, 3);
  });

  it("MP3: constant bitrate from the first frame (after an ID3v2 tag), VBR from the Xing frame count", () => {
    // 100 frames × 1152 samples / 44.1 kHz ≈ 2.61 s; bytes × 8 / 128 kbit/s gives the same within a frame's rounding.
    expect(audioDuration(mp3Cbr(100)).seconds).toBeCloseTo((100 * 417 * 8) / 128_000, 6);
    expect(audioDuration(mp3Cbr(100, true)).seconds).toBeCloseTo((100 * 417 * 8) / 128_000, 6);
    expect(audioDuration(mp3Xing(10_000)).seconds).toBeCloseTo((10_000 * 1152) / 44_100, 6);
  });

  it("MP4/M4A: mvhd's duration over its timescale, version 0 and 1, moov before or after mdat", () => {
    expect(audioDuration(mp4(1000, 12_345)).seconds).toBeCloseTo(12.345, 6);
    expect(audioDuration(mp4(44_100, 44_100 * 30, { moovLast: true })).seconds).toBeCloseTo(30, 6);
    expect(audioDuration(mp4(600, 600 * 7, { version1: true })).seconds).toBeCloseTo(7, 6);
  });

  it("Ogg: the last page's granule position (Opus at 48 kHz minus pre-skip; Vorbis at its rate)", () => {
    expect(audioDuration(oggOpus(48_000 * 4))).toEqual({ seconds: 4, source: "header" });
    expect(audioDuration(oggVorbis(22_050, 22_050 * 9)).seconds).toBeCloseTo(9, 6);
  });

  it("WebM: Info/Duration in TimestampScale units; MediaRecorder files without it are estimated", () => {
    expect(audioDuration(webm(5_500)).seconds).toBeCloseTo(5.5, 6);
    expect(audioDuration(webm(5_500_000, 1000)).seconds).toBeCloseTo(5.5, 6);
    const noDuration = webm(null);
    expect(audioDuration(noDuration)).toEqual({ seconds: noDuration.length / FALLBACK_BYTES_PER_SECOND, source: "size" });
  });

  it("unknown, truncated and hostile files fall back to the size estimate and never throw", () => {
    const cases: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from("not audio at all"),
      wav(1).subarray(0, 30),
      flac(44_100, 100).subarray(0, 20),
      mp4(1000, 5000).subarray(0, 40),
      oggOpus(1000).subarray(0, 30),
      webm(1000).subarray(0, 25),
      // A box claiming 2^64-1 bytes; a RIFF chunk claiming 4 GiB; an EBML size of 8 bytes of ones.
      Buffer.concat([u32be(1), Buffer.from("ftyp", "latin1"), Buffer.alloc(8, 0xff)]),
      Buffer.concat([Buffer.from("RIFF\0\0\0\0WAVE", "latin1"), Buffer.from("junk", "latin1"), u32le(0xfffffff0)]),
      Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    ];
    for (let seed = 1; seed <= 200; seed++) {
      const b = Buffer.alloc(64 + (seed % 64));
      let x = seed * 2654435761;
      for (let i = 0; i < b.length; i++) b[i] = (x = (x * 1103515245 + 12345) >>> 0) >> 24;
      // Give some of them a real magic so the format readers run on garbage.
      const magics = ["RIFF", "fLaC", "ID3", "OggS", "\x1a\x45\xdf\xa3"];
      if (seed % 3 === 0) b.write(magics[seed % magics.length]!, 0, "latin1");
      if (seed % 5 === 0) b.write("ftyp", 4, "latin1");
      cases.push(b);
    }
    for (const b of cases) {
      const d = audioDuration(b);
      expect(Number.isFinite(d.seconds) && d.seconds >= 0).toBe(true);
    }
    expect(audioDuration(Buffer.alloc(32_000))).toEqual({ seconds: 2, source: "size" });
  });
});
