/**
 * A small seeded random number generator (mulberry32), so a simulation with the same
 * seed makes the same draws on every machine and Node version (Math.random has no seed).
 */

/** Returns a function giving numbers in [0, 1), determined by `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
