/**
 * All text checks of one direction over one text: PII (one combined pass), deny terms
 * (one automaton pass per term group), deny patterns (one combined pass), then the
 * allow patterns, run only when something was found, to exempt allowed spans.
 * Overlapping findings are resolved so rewrites never nest: the earlier one wins,
 * or at the same start the longer one.
 */
import type { GuardrailAction } from "../../../schemas/catalog/guardrails.js";
import type { LinkedScan } from "./linked-guardrails.js";
import type { PiiHit } from "./pii-scanner.js";
import type { LinearRegex } from "../../../schemas/plan/linear-regex.js";

/** One finding in one text. `detector` names the check for errors and audit lines (never the text). */
export interface Finding {
  readonly detector: string;
  /** Placeholder label for `redact`. */
  readonly label: string;
  readonly action: GuardrailAction;
  readonly rule: string;
  readonly start: number;
  readonly end: number;
  /** For `mask`: the masked form of the value. */
  readonly mask: (value: string) => string;
}

const maskAll = (value: string): string => "*".repeat(Math.min(value.length, 16));

/** Findings in `text`, sorted and non-overlapping; empty (and allocation-free beyond the arrays) when clean. */
export function scanText(scan: LinkedScan, text: string): Finding[] {
  const found: Finding[] = [];
  if (scan.pii !== null) {
    const hits: PiiHit[] = [];
    scan.pii.scan(text, hits);
    for (const h of hits) {
      const d = scan.pii.detectors[h.detector]!;
      found.push({ detector: d.id, label: d.label, action: scan.piiActions[h.detector]!, rule: scan.piiRules[h.detector]!, start: h.start, end: h.end, mask: d.mask });
    }
  }
  for (const group of scan.terms) {
    group.automaton.scan(text, (term, start, end) => {
      found.push({ detector: "deny_term", label: "TERM", action: group.actions[term]!, rule: group.rules[term]!, start, end, mask: maskAll });
    });
  }
  const deny = scan.deny;
  if (deny !== null) {
    // Linear in the text whatever the patterns (schemas/plan/linear-regex.ts); empty matches are skipped.
    deny.combined.scan(text, (start, end, pattern) => {
      const which = deny.each[pattern]!;
      found.push({ detector: "deny_pattern", label: "REDACTED", action: which.action, rule: which.rule, start, end, mask: maskAll });
    });
  }
  if (found.length === 0) return found;
  const kept = scan.allow === null ? found : withoutAllowed(scan.allow, text, found);
  return resolveOverlaps(kept);
}

/** Drops findings that lie inside a span an allow pattern matches (spans come sorted and disjoint: a binary search each). */
function withoutAllowed(allow: LinearRegex, text: string, found: Finding[]): Finding[] {
  const starts: number[] = [];
  const ends: number[] = [];
  allow.scan(text, (start, end) => {
    starts.push(start);
    ends.push(end);
  });
  if (starts.length === 0) return found;
  return found.filter((f) => {
    // The last span starting at or before the finding is the only one that can contain it.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= f.start) lo = mid;
      else hi = mid - 1;
    }
    return !(starts[lo]! <= f.start && f.end <= ends[lo]!);
  });
}

function resolveOverlaps(found: Finding[]): Finding[] {
  if (found.length < 2) return found;
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Finding[] = [found[0]!];
  for (let i = 1; i < found.length; i++) {
    const f = found[i]!;
    const last = out[out.length - 1]!;
    if (f.start >= last.end) out.push(f);
    else if (f.action === "block" && last.action !== "block") out[out.length - 1] = f; // never lose a block to an overlap
  }
  return out;
}
