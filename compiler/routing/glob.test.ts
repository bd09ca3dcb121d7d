import { describe, expect, it } from "vitest";
import { globCovers, isGlob, patternMatches } from "./glob.js";

describe("isGlob", () => {
  it("is true only with * or ?", () => {
    expect(isGlob("gpt-4o")).toBe(false);
    expect(isGlob("gpt-*")).toBe(true);
    expect(isGlob("o?")).toBe(true);
  });
});

describe("patternMatches", () => {
  it("matches exact names and globs", () => {
    expect(patternMatches("gpt-4o", "gpt-4o")).toBe(true);
    expect(patternMatches("gpt-4o", "gpt-4o-mini")).toBe(false);
    expect(patternMatches("gpt-*", "gpt-4o-mini")).toBe(true);
    expect(patternMatches("gpt-*", "gpt-")).toBe(true);
    expect(patternMatches("o?", "o1")).toBe(true);
    expect(patternMatches("o?", "o")).toBe(false);
    expect(patternMatches("claude-3.5-*", "claude-3x5-sonnet")).toBe(false);
  });
});

describe("globCovers", () => {
  it("knows * covers everything", () => {
    expect(globCovers("*", "gpt-*")).toBe(true);
    expect(globCovers("*", "o?")).toBe(true);
  });
  it("compares prefixes and wildcards", () => {
    expect(globCovers("gpt-*", "gpt-4*")).toBe(true);
    expect(globCovers("gpt-4*", "gpt-*")).toBe(false);
    expect(globCovers("o?", "o1")).toBe(true);
    expect(globCovers("o?", "o*")).toBe(false);
    expect(globCovers("*-mini", "gpt-*-mini")).toBe(true);
    expect(globCovers("a*", "b*")).toBe(false);
  });
  it("is sound but not complete", () => {
    // Both match every non-empty name, but the symbolic check cannot see it.
    expect(globCovers("?*", "*?")).toBe(false);
  });
});
