/**
 * Rewrites a text by its findings, and keeps a request's placeholders consistent: the
 * same value gets the same placeholder (`[EMAIL_1]`) everywhere in the request, input
 * and output, and different values of a kind are numbered in order of appearance.
 * The map lives as long as the request and holds the values only in memory.
 */
import type { Finding } from "./text-scan.js";

export class Redactions {
  readonly #placeholders = new Map<string, string>();
  readonly #counts = new Map<string, number>();

  placeholder(label: string, value: string): string {
    const key = `${label}\u0000${value}`;
    let p = this.#placeholders.get(key);
    if (p === undefined) {
      const n = (this.#counts.get(label) ?? 0) + 1;
      this.#counts.set(label, n);
      p = `[${label}_${n}]`;
      this.#placeholders.set(key, p);
    }
    return p;
  }

  /** `text` with every redact/mask finding replaced; flags and blocks leave it as is. */
  rewrite(text: string, findings: readonly Finding[]): string {
    let out = "";
    let at = 0;
    for (const f of findings) {
      if (f.action !== "redact" && f.action !== "mask") continue;
      const value = text.slice(f.start, f.end);
      out += text.slice(at, f.start) + (f.action === "redact" ? this.placeholder(f.label, value) : f.mask(value));
      at = f.end;
    }
    return at === 0 ? text : out + text.slice(at);
  }
}
