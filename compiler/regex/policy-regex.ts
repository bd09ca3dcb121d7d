/**
 * Policy regexes compiled for the compiler's own evaluations (route analyses, explain,
 * simulate, policy tests) with the runtime's linear-time engine, cached per source:
 * big policies repeat a pattern on many routes, and `serve --policy` recompiles in
 * one process, so the cache is bounded.
 */
import { LinearRegex } from "../../schemas/plan/linear-regex.js";

const compiled = new Map<string, LinearRegex | null>();
const MAX_COMPILED = 4096;

/** The compiled pattern, or null when the engine refuses it (check-regexes reports why). */
export function policyRegex(source: string): LinearRegex | null {
  let regex = compiled.get(source);
  if (regex === undefined) {
    const result = LinearRegex.compile([source]);
    regex = result instanceof LinearRegex ? result : null;
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(source, regex);
  }
  return regex;
}
