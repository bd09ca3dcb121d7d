import { describe, expect, it } from "vitest";
import { jsonDepthWithin } from "./json-depth.js";

const b = (s: string): Buffer => Buffer.from(s);

describe("jsonDepthWithin", () => {
  it("counts objects and arrays alike", () => {
    expect(jsonDepthWithin(b('{"a":[{"b":1}]}'), 3)).toBe(true);
    expect(jsonDepthWithin(b('{"a":[{"b":1}]}'), 2)).toBe(false);
  });
  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(jsonDepthWithin(b(`{"a":"[[[[{{{{\\"[[[["}`), 1)).toBe(true);
    expect(jsonDepthWithin(b(`["\\\\",[[]]]`), 2)).toBe(false);
  });
  it("rejects a 100,000-deep array quickly without recursion", () => {
    expect(jsonDepthWithin(b("[".repeat(100_000) + "]".repeat(100_000)), 64)).toBe(false);
  });
});

describe("jsonDepthWithin fast path", () => {
  it("agrees with the full scan around the threshold", () => {
    // 3 openers, depth 3: within 3, not within 2 (the fast path only answers when openers ≤ limit).
    expect(jsonDepthWithin(b("[[[]]]"), 3)).toBe(true);
    expect(jsonDepthWithin(b("[[[]]]"), 2)).toBe(false);
    // Many openers but shallow: the fast path declines and the scan says yes.
    expect(jsonDepthWithin(b("[" + "[],".repeat(100) + "[]]"), 2)).toBe(true);
  });
});
