import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Glob, globMatches, isGlob } from "./glob-match.js";

/** The anchored regex globs used to be compiled to: the reference semantics. */
function referenceMatch(pattern: string, name: string): boolean {
  let source = "";
  for (const ch of pattern) source += ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
  return new RegExp(`^${source}$`).test(name);
}

describe("glob matching", () => {
  it("matches as the anchored regex `*` → `.*`, `?` → `.` did", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "b", "-", "*", "?"), minLength: 1, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom("a", "b", "-", "\n"), maxLength: 10 }),
        (pattern, name) => {
          expect(globMatches(pattern, name), `${pattern} ~ ${JSON.stringify(name)}`).toBe(referenceMatch(pattern, name));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it("matches model names", () => {
    expect(globMatches("gpt-4o-*", "gpt-4o-mini")).toBe(true);
    expect(globMatches("gpt-4o-*", "gpt-4")).toBe(false);
    expect(globMatches("o?-mini", "o3-mini")).toBe(true);
    expect(globMatches("claude-3.5-*", "claude-3x5-sonnet")).toBe(false);
    expect(globMatches("*", "")).toBe(true);
    expect(globMatches("exact", "exact")).toBe(true);
    expect(isGlob("a*")).toBe(true);
    expect(new Glob("*-*-*").matches("a-b-c")).toBe(true);
  });
});
