/**
 * Proves a regular expression free of catastrophic backtracking with recheck's
 * automaton checker (Weideman et al.'s ambiguity analysis of the regex's NFA), run
 * in-process from recheck's pure-JavaScript build: no native binary, no JVM, no worker,
 * no environment variable, and no fuzzing, so the verdict is deterministic.
 *
 * Exponential and polynomial (super-linear) verdicts are both failures: a header value
 * is attacker-controlled and up to ~16 KiB long, so even n² steps stall the event loop.
 * recheck is loaded on the first regex only (~100 ms), so policies without regexes
 * never pay for it.
 */
import { createRequire } from "node:module";
import type { Diagnostics } from "recheck";

/** The verdict on one regex. */
export type BacktrackingVerdict =
  | { readonly kind: "safe" }
  | { readonly kind: "exponential"; readonly attack: string; readonly hotspots: readonly string[] }
  | { readonly kind: "polynomial"; readonly degree: number; readonly attack: string; readonly hotspots: readonly string[] }
  | { readonly kind: "unprovable"; readonly reason: string };

/** The flags policy regexes are compiled with, here and in the runtime. */
export const POLICY_REGEX_FLAGS = "u";

/** How long one analysis may take before the regex is refused as too complex to prove. */
const ANALYSIS_TIMEOUT_MS = 10_000;

type CheckSync = (source: string, flags: string, params: { checker: "automaton"; timeout: number }) => Diagnostics;
let checkSync: CheckSync | undefined;

/** Analyses `source` (compiled with POLICY_REGEX_FLAGS); the caller has checked that it compiles. */
export function analyzeBacktracking(source: string): BacktrackingVerdict {
  // The browser build is recheck's pure-JS bundle; the main entry would pick a native or Java backend.
  checkSync ??= (createRequire(import.meta.url)("recheck/lib/browser.js") as { checkSync: CheckSync }).checkSync;
  const result = checkSync(source, POLICY_REGEX_FLAGS, { checker: "automaton", timeout: ANALYSIS_TIMEOUT_MS });
  switch (result.status) {
    case "safe":
      return { kind: "safe" };
    case "vulnerable": {
      const attack = describeAttack(result.attack);
      const hotspots = result.hotspot.map((h) => source.slice(h.start, h.end));
      return result.complexity.type === "exponential" ? { kind: "exponential", attack, hotspots } : { kind: "polynomial", degree: result.complexity.degree, attack, hotspots };
    }
    case "unknown":
      return { kind: "unprovable", reason: unknownReason(result.error) };
  }
}

/** "`0` + `0`×n + `\u0000`": the shape of a slow input, readable and short. */
function describeAttack(attack: Extract<Diagnostics, { status: "vulnerable" }>["attack"]): string {
  const parts: string[] = [];
  for (const pump of attack.pumps) {
    if (pump.prefix !== "") parts.push(quote(pump.prefix));
    parts.push(`${quote(pump.pump)}×n`);
  }
  if (attack.suffix !== "") parts.push(quote(attack.suffix));
  return parts.join(" + ");
}

/** A short quoted string; control characters as `\xNN`, so nothing invisible is printed. */
function quote(text: string): string {
  const short = text.length > 24 ? text.slice(0, 24) + "…" : text;
  const shown = short.replace(/[\u0000-\u001f\u007f`'\\]/g, (ch) => (ch === "\\" ? "\\\\" : ch === "'" ? "\\'" : `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`));
  return `'${shown}'`;
}

function unknownReason(error: Extract<Diagnostics, { status: "unknown" }>["error"]): string {
  switch (error.kind) {
    case "timeout":
      return `the analysis did not finish within ${ANALYSIS_TIMEOUT_MS / 1000} s`;
    case "unsupported":
      return `it uses a ${error.message}, which the analysis cannot reason about`;
    case "invalid":
      return `the analyser could not parse it (${error.message})`;
    case "cancel":
    case "unexpected":
      return "the analysis failed";
  }
}
