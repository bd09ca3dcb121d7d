/**
 * One pass over a text for all of a route's PII detectors: their candidate regexes
 * joined into one alternation of named groups, in catalog order, so V8 walks the text
 * once however many detectors are on. A candidate its validator rejects is retried at
 * the same position with the detectors after it (an 18-digit number that is no
 * resident ID may still be a card), each with its own sticky regex; that path runs
 * only on rejected candidates, which ordinary prose rarely produces.
 */
import type { PiiDetectorId } from "../../../schemas/catalog/guardrails.js";
import { DETECTORS, type Detector } from "./detectors/detectors.js";

/** One validated finding: `text.slice(start, end)` is PII of detector `detector` (an index into the scanner's list). */
export interface PiiHit {
  readonly detector: number;
  readonly start: number;
  readonly end: number;
}

export class PiiScanner {
  readonly detectors: readonly Detector[];
  readonly #combined: RegExp;
  readonly #sticky: readonly RegExp[];

  /** `ids` in catalog order (the compiler emits them so). */
  constructor(ids: readonly PiiDetectorId[]) {
    this.detectors = ids.map((id) => DETECTORS[id]);
    this.#combined = new RegExp(this.detectors.map((d) => `(?<${d.id}>${d.source})`).join("|"), "g");
    this.#sticky = this.detectors.map((d) => new RegExp(d.source, "y"));
  }

  /** Appends every finding in `text` to `out`, left to right, non-overlapping. */
  scan(text: string, out: PiiHit[]): void {
    const re = this.#combined;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      const groups = m.groups!;
      let k = 0;
      while (groups[this.detectors[k]!.id] === undefined) k++;
      let end = this.detectors[k]!.validate(text, start, start + m[0].length);
      let detector = k;
      for (let j = k + 1; end < 0 && j < this.detectors.length; j++) {
        const sticky = this.#sticky[j]!;
        sticky.lastIndex = start;
        const retry = sticky.exec(text);
        if (retry === null) continue;
        end = this.detectors[j]!.validate(text, start, start + retry[0].length);
        detector = j;
      }
      if (end > start) {
        out.push({ detector, start, end });
        re.lastIndex = end;
      } else {
        re.lastIndex = start + 1;
      }
    }
  }
}
