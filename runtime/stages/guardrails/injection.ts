/**
 * Prompt-injection scoring: each pattern of the set tested on a text and on each view of
 * it (its normalized form, decoded base64 spans, ROT13: normalize-text.ts), so an attack
 * hidden by zero-width characters, look-alike letters or an encoding is matched as
 * plainly written; the distinct patterns seen across a request's texts give its score
 * (see injection-patterns.ts). Each pattern is its own regex and stops at its first
 * match: V8 scans for a literal prefix far faster than through one large alternation
 * (bench/guardrails.mjs), a pattern already seen is not tested again, and the Chinese
 * patterns run only on texts with CJK characters.
 */
import { INJECTION_FLAGS, INJECTION_PATTERNS } from "./injection-patterns.js";
import { injectionViews } from "./normalize-text.js";

/** One test per pattern: no `g`, so `test` keeps no state between texts. */
const TESTS = INJECTION_PATTERNS.map((p) => new RegExp(p.source, INJECTION_FLAGS.replace("g", "")));
/** Patterns that can only match CJK text (their ids start with `zh-`). */
const CJK_ONLY = INJECTION_PATTERNS.map((p) => p.id.startsWith("zh-"));
const CJK = /[\u3400-\u9FFF]/;

/** The patterns seen so far in one request, by index. */
export class InjectionScore {
  readonly #seen = new Uint8Array(INJECTION_PATTERNS.length);

  /** Scans one text and its views. */
  add(text: string): void {
    this.#scan(text);
    for (const view of injectionViews(text)) this.#scan(view);
  }

  #scan(text: string): void {
    const cjk = CJK.test(text);
    for (let i = 0; i < TESTS.length; i++) {
      if (this.#seen[i] === 1 || (CJK_ONLY[i] && !cjk)) continue;
      if (TESTS[i]!.test(text)) this.#seen[i] = 1;
    }
  }

  /** Noisy-or of the weights of the distinct patterns seen, in [0, 1]. */
  get score(): number {
    let miss = 1;
    for (let i = 0; i < INJECTION_PATTERNS.length; i++) if (this.#seen[i] === 1) miss *= 1 - INJECTION_PATTERNS[i]!.weight;
    return Math.round((1 - miss) * 1000) / 1000;
  }

  /** Ids of the patterns seen (for the audit line). */
  get patterns(): string[] {
    return INJECTION_PATTERNS.filter((_, i) => this.#seen[i] === 1).map((p) => p.id);
  }
}
