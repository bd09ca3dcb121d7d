/**
 * One pass over a text for all of a route's PII detectors: their candidate regexes
 * joined into one alternation of named groups, in catalog order, so V8 walks the text
 * once however many detectors are on. A candidate its validator rejects is retried at
 * the same position with the detectors after it (an 18-digit number that is no
 * resident ID may still be a card), each with its own sticky regex; that path runs
 * only on rejected candidates, which ordinary prose rarely produces.
 *
 * Before the regex, a few cheap native passes over the text (text-shape.ts) rule out the detectors
 * that cannot match it at all, and the alternation of those that can is compiled once per
 * such subset. Leaving out an alternative that matches nowhere changes no finding.
 */
import type { PiiDetectorId } from "../../../schemas/catalog/guardrails.js";
import { DETECTORS, type Detector } from "./detectors/detectors.js";
import { textShape } from "./detectors/text-shape.js";

/** One validated finding: `text.slice(start, end)` is PII of detector `detector` (an index into the scanner's list). */
export interface PiiHit {
  readonly detector: number;
  readonly start: number;
  readonly end: number;
}

/** The alternation of a subset of the scanner's detectors, and which detectors (indexes) it holds, in order. */
interface Combined {
  readonly re: RegExp;
  readonly members: readonly number[];
}

export class PiiScanner {
  readonly detectors: readonly Detector[];
  /** By bit mask of the detectors that may match (bit i: detectors[i]); built on first use, at most 2^8. */
  readonly #combined = new Map<number, Combined>();
  readonly #sticky: readonly RegExp[];

  /** `ids` in catalog order (the compiler emits them so). */
  constructor(ids: readonly PiiDetectorId[]) {
    this.detectors = ids.map((id) => DETECTORS[id]);
    this.#sticky = this.detectors.map((d) => new RegExp(d.source, "y"));
  }

  /** Appends every finding in `text` to `out`, left to right, non-overlapping. */
  scan(text: string, out: PiiHit[]): void {
    const shape = textShape(text);
    let mask = 0;
    for (let i = 0; i < this.detectors.length; i++) if (this.detectors[i]!.possible(shape, text)) mask |= 1 << i;
    if (mask === 0) return;
    const { re, members } = this.#combinedFor(mask);
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      const groups = m.groups!;
      let k = 0;
      while (groups[this.detectors[members[k]!]!.id] === undefined) k++;
      let detector = members[k]!;
      let end = this.detectors[detector]!.validate(text, start, start + m[0].length);
      for (let j = k + 1; end < 0 && j < members.length; j++) {
        const sticky = this.#sticky[members[j]!]!;
        sticky.lastIndex = start;
        const retry = sticky.exec(text);
        if (retry === null) continue;
        detector = members[j]!;
        end = this.detectors[detector]!.validate(text, start, start + retry[0].length);
      }
      if (end > start) {
        out.push({ detector, start, end });
        re.lastIndex = end;
      } else {
        re.lastIndex = start + 1;
      }
    }
  }

  #combinedFor(mask: number): Combined {
    let combined = this.#combined.get(mask);
    if (combined === undefined) {
      const members: number[] = [];
      for (let i = 0; i < this.detectors.length; i++) if ((mask & (1 << i)) !== 0) members.push(i);
      const re = new RegExp(members.map((i) => `(?<${this.detectors[i]!.id}>${this.detectors[i]!.source})`).join("|"), "g");
      combined = { re, members };
      this.#combined.set(mask, combined);
    }
    return combined;
  }
}
