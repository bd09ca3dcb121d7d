/**
 * The API keys of every upstream, each a slot: picked by weight (smooth weighted
 * round-robin, as nginx balances upstreams: deterministic, and spread evenly rather
 * than in runs), skipping keys that are out. A key answered with 401/403 is out for
 * `keyCooldownMs`, doubling on repeats up to `maxCooldownMs` (a revoked key keeps
 * failing; a key fixed in the secret store comes back). A key answered with 429 rests
 * for its `retry-after` (1 s when unsaid) and the request moves to the next key.
 *
 * Typed arrays indexed by key slot, like the breaker table, so the state can be shared
 * between worker threads later.
 */

/** Key slots of one upstream: `first` .. `first + count - 1`. */
export interface KeyRange {
  readonly first: number;
  readonly count: number;
}

/** How long a key answered with 429 and no retry-after rests. */
export const DEFAULT_KEY_REST_MS = 1000;

export class KeyRing {
  readonly #weight: Float64Array;
  readonly #current: Float64Array;
  readonly #outUntil: Float64Array;
  readonly #authStreak: Uint32Array;
  /** Times each key was taken out for 401/403, for metrics. */
  readonly authEjections: Uint32Array;
  /** Times each key rested after a 429, for metrics. */
  readonly rateLimited: Uint32Array;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    this.#weight = Float64Array.from(weights);
    this.#current = new Float64Array(n);
    this.#outUntil = new Float64Array(n);
    this.#authStreak = new Uint32Array(n);
    this.authEjections = new Uint32Array(n);
    this.rateLimited = new Uint32Array(n);
  }

  /**
   * Picks a key of `range` that is in and not in `skip` (bit i: the range's i-th key,
   * already tried by this request). Returns the slot, or -1 when every key is out or
   * tried. When every key is out (but some untried), the one back soonest is used: a
   * request is never refused for want of a key the gateway merely suspects.
   */
  pick(range: KeyRange, skip: number, now: number): number {
    let best = -1;
    let total = 0;
    let soonest = -1;
    for (let i = 0; i < range.count; i++) {
      if (i < 31 && (skip & (1 << i)) !== 0) continue;
      const k = range.first + i;
      if (this.#outUntil[k]! > now) {
        if (soonest < 0 || this.#outUntil[k]! < this.#outUntil[soonest]!) soonest = k;
        continue;
      }
      const w = this.#weight[k]!;
      if (w <= 0) continue;
      this.#current[k]! += w;
      total += w;
      if (best < 0 || this.#current[k]! > this.#current[best]!) best = k;
    }
    if (best >= 0) {
      this.#current[best]! -= total;
      return best;
    }
    return soonest;
  }

  /** 401/403: the key is out for a cool-down that doubles on each repeat. Returns the cool-down. */
  authFailed(key: number, now: number, cooldownMs: number, maxCooldownMs: number): number {
    const streak = ++this.#authStreak[key]!;
    const ms = Math.min(maxCooldownMs, cooldownMs * 2 ** (streak - 1));
    this.#outUntil[key] = now + ms;
    this.authEjections[key]!++;
    return ms;
  }

  /** 429: the key rests for `retryAfterMs` (or the default). */
  rateLimitedFor(key: number, now: number, retryAfterMs: number | null): void {
    this.#outUntil[key] = Math.max(this.#outUntil[key]!, now + (retryAfterMs ?? DEFAULT_KEY_REST_MS));
    this.rateLimited[key]!++;
  }

  /** The key worked: its auth streak restarts. */
  succeeded(key: number): void {
    if (this.#authStreak[key] !== 0) this.#authStreak[key] = 0;
  }

  /** Takes over the state of `fromKey` in `from` (a plan reload: the same secret keeps resting or staying out). */
  adopt(key: number, from: KeyRing, fromKey: number): void {
    this.#current[key] = from.#current[fromKey]!;
    this.#outUntil[key] = from.#outUntil[fromKey]!;
    this.#authStreak[key] = from.#authStreak[fromKey]!;
    this.authEjections[key] = from.authEjections[fromKey]!;
    this.rateLimited[key] = from.rateLimited[fromKey]!;
  }

  /** Whether a key of `range` other than those in `skip` is in now. */
  hasUsable(range: KeyRange, skip: number, now: number): boolean {
    for (let i = 0; i < range.count; i++) {
      if (i < 31 && (skip & (1 << i)) !== 0) continue;
      const k = range.first + i;
      if (this.#outUntil[k]! <= now && this.#weight[k]! > 0) return true;
    }
    return false;
  }

  /** Whether every key of `range` is out now (the upstream cannot authenticate). */
  allOut(range: KeyRange, now: number): boolean {
    if (range.count === 0) return false;
    for (let i = 0; i < range.count; i++) if (this.#outUntil[range.first + i]! <= now) return false;
    return true;
  }
}
