/**
 * Large prompt texts, scanned in slices that give the event loop back between them, so a
 * 1 MB prompt does not stall every other request on its thread for the length of its
 * scan (bench/neighbour-delay.mjs measures the delay the neighbours see).
 *
 * The text checks run the stream guard's window over the text (hold-rules.ts): each
 * slice is scanned with what is still held from the one before and CONTEXT released
 * characters in front of it, and a finding is committed only once no check could still
 * grow it. That is the algorithm stream-guard.property.test.ts proves equal to one scan
 * of the whole text at every split point; large-text.test.ts checks it here. Deny and
 * allow patterns declare no longest match, so a scan that has them runs whole.
 *
 * The injection score takes the union of the patterns seen, so slices cut at white
 * space, overlapping by INJECTION_OVERLAP characters (far longer than any pattern's
 * match), see what the whole text shows.
 */
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { CONTENT, TOOL_ARGUMENTS, walkTexts } from "../../canonical/message-text.js";
import { holdFrom } from "./hold-rules.js";
import { InjectionScore } from "./injection.js";
import type { LinkedScan } from "./linked-guardrails.js";
import { MAX_HOLD } from "./output-stage.js";
import { scanText, type Finding } from "./text-scan.js";

/** Texts longer than this (characters) are scanned in slices. */
export const LARGE_TEXT = 64 * 1024;
/** Characters scanned between two yields: a few milliseconds of work. */
const SLICE = 16 * 1024;
/** Released characters kept in front of held text, as in the output stage. */
const CONTEXT = 32;
/** Overlap of two injection slices: longer than any injection pattern's match. */
const INJECTION_OVERLAP = 2048;

/** What was found in a request's large texts, before the input guard's walk. */
export interface LargeTextScans {
  /** Findings per visited text (the walk's order); undefined for a text scanned in the walk itself. */
  readonly findings: (Finding[] | undefined)[];
  /** The injection patterns of the large non-system texts (null without an injection check). */
  readonly injection: InjectionScore | null;
}

/** Gives the event loop a turn: pending I/O and timers run before the next slice. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** True when one of the request's texts is large enough to be scanned in slices. */
export function hasLargeText(request: ChatRequestView): boolean {
  let large = false;
  walkTexts(request.messages, CONTENT | TOOL_ARGUMENTS, (text) => {
    if (text.length > LARGE_TEXT) large = true;
    return large ? false : undefined;
  });
  return large;
}

/** Scans the large texts of `request` in slices; the input guard's walk takes their findings from here. */
export async function scanLargeTexts(scan: LinkedScan, request: ChatRequestView): Promise<LargeTextScans> {
  const large: { index: number; text: string; system: boolean }[] = [];
  let visited = 0;
  walkTexts(request.messages, CONTENT | TOOL_ARGUMENTS, (text, role) => {
    if (text.length > LARGE_TEXT) large.push({ index: visited, text, system: role === "system" });
    visited++;
    return undefined;
  });
  const findings: (Finding[] | undefined)[] = [];
  const injection = scan.injection === null ? null : new InjectionScore();
  for (const t of large) {
    findings[t.index] = await scanSliced(scan, t.text, SLICE);
    if (injection !== null && !t.system) await injectSliced(injection, t.text);
  }
  return { findings, injection };
}

/**
 * The findings of `scanText(scan, text)`, computed `slice` characters at a time with a
 * yield in between. Exported for tests (which use small slices).
 */
export async function scanSliced(scan: LinkedScan, text: string, slice: number): Promise<Finding[]> {
  if (scan.deny !== null || scan.allow !== null) return scanText(scan, text);
  const out: Finding[] = [];
  const n = text.length;
  let pos = 0; // everything before pos is released
  let end = 0;
  while (pos < n) {
    if (end > 0) await yieldToLoop();
    end = Math.min(n, end + slice);
    const final = end === n;
    const held = text.slice(pos, end);
    let cut = final ? held.length : Math.max(holdFrom(scan.hold, held), held.length - MAX_HOLD);
    for (const f of findingsBehind(scan, text, pos, held)) {
      if (f.start >= cut) break;
      if (!final && f.end === held.length && held.length - f.start <= MAX_HOLD) {
        cut = f.start; // it may still grow: hold it whole
        break;
      }
      out.push({ ...f, start: f.start + pos, end: f.end + pos });
      if (f.end > cut) cut = f.end;
    }
    pos += cut;
  }
  return out;
}

/** Findings in `held` (offsets relative to it), scanned behind the released context, as the output stage does. */
function findingsBehind(scan: LinkedScan, text: string, pos: number, held: string): Finding[] {
  const context = text.slice(Math.max(0, pos - CONTEXT), pos);
  if (context.length === 0) return scanText(scan, held);
  const out: Finding[] = [];
  for (const f of scanText(scan, context + held)) {
    if (f.end <= context.length) continue;
    if (f.start < context.length) return scanText(scan, held);
    out.push({ ...f, start: f.start - context.length, end: f.end - context.length });
  }
  return out;
}

/** Adds the injection patterns of `text` to `score`, slice by slice, cut at white space. */
async function injectSliced(score: InjectionScore, text: string): Promise<void> {
  const n = text.length;
  let start = 0;
  while (start < n) {
    let end = Math.min(n, start + SLICE);
    if (end < n) {
      const space = lastSpace(text, end, start + INJECTION_OVERLAP * 2);
      if (space !== -1) end = space;
    }
    score.add(text.slice(start, end));
    if (end >= n) return;
    await yieldToLoop();
    const next = lastSpace(text, end - INJECTION_OVERLAP, start + 1);
    start = next === -1 ? end - INJECTION_OVERLAP : next + 1;
  }
}

/** The last white-space position before `from` and not before `floor`, or -1. */
function lastSpace(text: string, from: number, floor: number): number {
  for (let i = from - 1; i >= floor; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) return i;
  }
  return -1;
}
