/**
 * 32-bit FNV-1a over UTF-16 code units with a murmur3 finalizer: cheap, stable across
 * processes and replicas (so every gateway replica sends one session to the same
 * endpoint), and well spread for ring positions.
 */

export const FNV_OFFSET = 0x811c9dc5;

/** Continues an FNV-1a state over `text` from `from` to `to`. */
export function fnv1a(state: number, text: string, from = 0, to = text.length): number {
  let h = state;
  for (let i = from; i < to; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** murmur3's fmix32: spreads FNV's low-entropy high bits. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The ring position of a string key. */
export function hashKey(key: string): number {
  return mix32(fnv1a(FNV_OFFSET, key));
}
