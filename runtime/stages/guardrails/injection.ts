/**
 * Prompt-injection scoring: every pattern of the set in one combined regex (named
 * groups), one pass per text; the distinct patterns seen across a request's texts
 * give its score (see injection-patterns.ts).
 */
import { INJECTION_FLAGS, INJECTION_PATTERNS } from "./injection-patterns.js";

const COMBINED = new RegExp(INJECTION_PATTERNS.map((p, i) => `(?<p${i}>${p.source})`).join("|"), INJECTION_FLAGS);

/** The patterns seen so far in one request, by index. */
export class InjectionScore {
  #seen = 0;

  /** Scans one text. */
  add(text: string): void {
    const re = COMBINED;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const groups = m.groups!;
      for (let i = 0; i < INJECTION_PATTERNS.length; i++) {
        if (groups[`p${i}`] !== undefined) {
          this.#seen |= 1 << i;
          break;
        }
      }
      if (m[0].length === 0) re.lastIndex++;
    }
  }

  /** Noisy-or of the weights of the distinct patterns seen, in [0, 1]. */
  get score(): number {
    let miss = 1;
    for (let i = 0; i < INJECTION_PATTERNS.length; i++) if (this.#seen & (1 << i)) miss *= 1 - INJECTION_PATTERNS[i]!.weight;
    return Math.round((1 - miss) * 1000) / 1000;
  }

  /** Ids of the patterns seen (for the audit line). */
  get patterns(): string[] {
    return INJECTION_PATTERNS.filter((_, i) => this.#seen & (1 << i)).map((p) => p.id);
  }
}
