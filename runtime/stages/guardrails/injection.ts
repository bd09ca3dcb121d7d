/**
 * Prompt-injection scoring: each pattern of the set tested on a text and on each view of
 * it (its normalized form, decoded base64 spans, ROT13: normalize-text.ts), so an attack
 * hidden by zero-width characters, look-alike letters or an encoding is matched as
 * plainly written; the distinct patterns seen across a request's texts give its score
 * (see injection-patterns.ts). Each pattern is its own regex and stops at its first
 * match: V8 scans for a literal prefix far faster than through one large alternation
 * (bench/guardrails.mjs), a pattern already seen is not tested again, and the Chinese
 * patterns run only on texts with CJK characters. An English pattern runs only when one
 * of its anchor words occurs in the text (INJECTION_ANCHORS: a necessary condition, so
 * skipping it changes no score).
 */
import { INJECTION_ANCHORS, INJECTION_FLAGS, INJECTION_PATTERNS } from "./injection-patterns.js";
import { injectionViews } from "./normalize-text.js";
import { escapeRegex } from "../../base/regex-escape.js";

/** One test per pattern: no `g`, so `test` keeps no state between texts. */
const TESTS = INJECTION_PATTERNS.map((p) => new RegExp(p.source, INJECTION_FLAGS.replace("g", "")));
/** Patterns that can only match CJK text (their ids start with `zh-`). */
const CJK_ONLY = INJECTION_PATTERNS.map((p) => p.id.startsWith("zh-"));
const CJK = /[\u3400-\u9FFF]/;
/** Whether pattern i waits for an anchor (INJECTION_ANCHORS) before it runs. */
const ANCHORED = INJECTION_PATTERNS.map((p) => INJECTION_ANCHORS[p.id] !== undefined);
/** Lowercase anchor → the patterns it lets run. */
const PATTERNS_OF_ANCHOR = new Map<string, number[]>();
INJECTION_PATTERNS.forEach((p, i) => {
  for (const a of INJECTION_ANCHORS[p.id] ?? []) (PATTERNS_OF_ANCHOR.get(a) ?? PATTERNS_OF_ANCHOR.set(a, []).get(a)!).push(i);
});
/**
 * Every anchor in one pass: V8 runs one literal alternation natively, where a search per
 * anchor would walk the text once for each of the sixty. Case-insensitive as the patterns are (ASCII
 * letters only, without `u`). Anchors that start with a letter stand at the start of a
 * word in every match (INJECTION_ANCHORS), so `\b` first lets the engine drop most
 * positions at once. No anchor is a prefix of another, so stepping one character past
 * each hit finds every anchor that occurs.
 */
const ANCHOR_WORDS = [...PATTERNS_OF_ANCHOR.keys()];
const ANCHOR_SCAN = new RegExp(
  [
    `\\b(?:${ANCHOR_WORDS.filter((a) => /^[a-z]/.test(a))
      .map(escapeRegex)
      .join("|")})`,
    ...ANCHOR_WORDS.filter((a) => !/^[a-z]/.test(a)).map(escapeRegex),
  ].join("|"),
  "gi",
);

/** Marks, in `open`, the anchored patterns one of whose anchors occurs in `text`. */
function openPatterns(text: string, open: Uint8Array): void {
  ANCHOR_SCAN.lastIndex = 0;
  for (let m = ANCHOR_SCAN.exec(text); m !== null; m = ANCHOR_SCAN.exec(text)) {
    for (const i of PATTERNS_OF_ANCHOR.get(m[0].toLowerCase()) ?? []) open[i] = 1;
    ANCHOR_SCAN.lastIndex = m.index + 1;
  }
}

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
    const open = new Uint8Array(TESTS.length);
    openPatterns(text, open);
    for (let i = 0; i < TESTS.length; i++) {
      if (this.#seen[i] === 1 || (CJK_ONLY[i] && !cjk) || (ANCHORED[i] && open[i] === 0)) continue;
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
