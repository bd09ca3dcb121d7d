/**
 * Audio files built byte by byte from each container's specification (no encoder is
 * installed on this machine): for the duration readers' tests and the audio quota
 * suites. Only the headers matter; the samples are silence.
 */

export function wav(seconds: number, opts: { sampleRate?: number; channels?: number; dataSize?: number; extraChunk?: boolean } = {}): Buffer {
  const rate = opts.sampleRate ?? 16_000;
  const channels = opts.channels ?? 1;
  const byteRate = rate * channels * 2;
  const data = Buffer.alloc(Math.round(seconds * byteRate));
  const fmt = Buffer.alloc(24);
  fmt.write("fmt ", 0, "latin1");
  fmt.writeUInt32LE(16, 4);
  fmt.writeUInt16LE(1, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE(byteRate, 16);
  fmt.writeUInt16LE(channels * 2, 20);
  fmt.writeUInt16LE(16, 22);
  // A LIST chunk with an odd size: padded to even, as the spec says.
  const list = Buffer.concat([Buffer.from("LIST", "latin1"), u32le(3), Buffer.from("abc\0", "latin1")]);
  const dataHeader = Buffer.concat([Buffer.from("data", "latin1"), u32le(opts.dataSize ?? data.length)]);
  const body = Buffer.concat([Buffer.from("WAVE", "latin1"), fmt, ...(opts.extraChunk === true ? [list] : []), dataHeader, data]);
  return Buffer.concat([Buffer.from("RIFF", "latin1"), u32le(body.length), body]);
}

export function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

export function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export function flac(sampleRate: number, samples: number): Buffer {
  const info = Buffer.alloc(34);
  info[10] = (sampleRate >> 12) & 0xff;
  info[11] = (sampleRate >> 4) & 0xff;
  // 4 bits of rate, 3 of channels-1 (mono: 0), 1 bit of bps-1's high bit.
  info[12] = ((sampleRate & 0x0f) << 4) | 0x00;
  // 4 low bits of bps-1 (15 → 16-bit), then the top 4 of the 36-bit sample count.
  info[13] = (0x0f << 4) | Math.floor(samples / 2 ** 32);
  info.writeUInt32BE(samples % 2 ** 32, 14);
  return Buffer.concat([Buffer.from("fLaC", "latin1"), Buffer.from([0x80, 0, 0, 34]), info, Buffer.alloc(1000)]);
}

/** MPEG-1 layer III, 128 kbit/s, 44.1 kHz, stereo: 417-byte frames. */
export function mp3Cbr(frames: number, id3 = false): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x00]);
  const tag = id3 ? Buffer.concat([Buffer.from("ID3", "latin1"), Buffer.from([4, 0, 0, 0, 0, 0x01, 0x00]), Buffer.alloc(128)]) : Buffer.alloc(0);
  return Buffer.concat([tag, ...Array.from({ length: frames }, () => frame)]);
}

/** MPEG-1 layer III with a Xing header announcing `frames` frames (the file itself is short). */
export function mp3Xing(frames: number): Buffer {
  const first = Buffer.alloc(417);
  first.set([0xff, 0xfb, 0x90, 0x00]);
  first.write("Xing", 4 + 32, "latin1");
  first.writeUInt32BE(1, 4 + 32 + 4);
  first.writeUInt32BE(frames, 4 + 32 + 8);
  return Buffer.concat([first, Buffer.alloc(2000)]);
}

export function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([u32be(8 + body.length), Buffer.from(type, "latin1"), body]);
}

export function mp4(timescale: number, duration: number, opts: { version1?: boolean; moovLast?: boolean } = {}): Buffer {
  const mvhd =
    opts.version1 === true
      ? Buffer.concat([Buffer.from([1, 0, 0, 0]), Buffer.alloc(16), u32be(timescale), Buffer.from(BigInt64Array.of(0n).buffer).fill(0), Buffer.alloc(80)])
      : Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.alloc(8), u32be(timescale), u32be(duration), Buffer.alloc(80)]);
  if (opts.version1 === true) mvhd.writeBigUInt64BE(BigInt(duration), 24);
  const ftyp = box("ftyp", Buffer.from("M4A \0\0\0\0M4A mp42isom", "latin1"));
  const moov = box("moov", box("mvhd", mvhd), box("trak", Buffer.alloc(40)));
  const mdat = box("mdat", Buffer.alloc(5000));
  return Buffer.concat(opts.moovLast === true ? [ftyp, mdat, moov] : [ftyp, moov, mdat]);
}

export function oggPage(granule: bigint, packet: Buffer): Buffer {
  const header = Buffer.alloc(27);
  header.write("OggS", 0, "latin1");
  header.writeBigInt64LE(granule, 6);
  header[26] = 1;
  return Buffer.concat([header, Buffer.from([packet.length]), packet]);
}

export function oggOpus(samples48k: number, preSkip = 312): Buffer {
  const head = Buffer.alloc(19);
  head.write("OpusHead", 0, "latin1");
  head[8] = 1;
  head[9] = 1;
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(48_000, 12);
  return Buffer.concat([oggPage(0n, head), oggPage(-1n, Buffer.alloc(200)), oggPage(BigInt(samples48k + preSkip), Buffer.alloc(200))]);
}

export function oggVorbis(rate: number, samples: number): Buffer {
  const id = Buffer.alloc(30);
  id[0] = 1;
  id.write("vorbis", 1, "latin1");
  id.writeUInt32LE(rate, 12);
  return Buffer.concat([oggPage(0n, id), oggPage(BigInt(samples), Buffer.alloc(100))]);
}

/** An EBML element with a 1-byte-length-marked size (sizes here are < 127) or an 8-byte one. */
export function ebml(id: number[], data: Buffer): Buffer {
  const size =
    data.length < 127
      ? Buffer.from([0x80 | data.length])
      : Buffer.concat([Buffer.from([0x01]), Buffer.from([0, 0, 0, (data.length >> 24) & 0xff, (data.length >> 16) & 0xff, (data.length >> 8) & 0xff, data.length & 0xff])]);
  return Buffer.concat([Buffer.from(id), size, data]);
}

export function webm(durationMs: number | null, scale?: number): Buffer {
  const header = ebml([0x1a, 0x45, 0xdf, 0xa3], ebml([0x42, 0x82], Buffer.from("webm", "latin1")));
  const infoChildren: Buffer[] = [];
  if (scale !== undefined) infoChildren.push(ebml([0x2a, 0xd7, 0xb1], u32be(scale)));
  if (durationMs !== null) {
    const d = Buffer.alloc(8);
    d.writeDoubleBE(durationMs);
    infoChildren.push(ebml([0x44, 0x89], d));
  }
  const seekHead = ebml([0x11, 0x4d, 0x9b, 0x74], Buffer.alloc(20));
  const info = ebml([0x15, 0x49, 0xa9, 0x66], Buffer.concat(infoChildren));
  const cluster = ebml([0x1f, 0x43, 0xb6, 0x75], Buffer.alloc(300));
  // Segment of unknown size (all ones), as live recorders write it.
  const segment = Buffer.concat([Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), seekHead, info, cluster]);
  return Buffer.concat([header, segment]);
}
