/** Where the audio starts after an ID3v2 tag (MP3 and some FLAC files begin with one), or 0. */
export function id3v2End(b: Buffer): number {
  if (b.length < 10 || b[0] !== 0x49 || b[1] !== 0x44 || b[2] !== 0x33) return 0;
  // The size is "syncsafe": 4 bytes of 7 bits each; a footer (flag 0x10) adds 10 more bytes.
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  return Math.min(b.length, 10 + size + ((b[5]! & 0x10) !== 0 ? 10 : 0));
}
