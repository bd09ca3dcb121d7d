/** A classifier's patterns combined into one expression keep each pattern's meaning. */
import { describe, expect, it } from "vitest";
import { combinedPattern } from "./route-extras.js";

describe("combinedPattern", () => {
  it("renames named groups per pattern, so two patterns may use the same name", () => {
    const combined = combinedPattern(["\\b(?<fn>def)\\s+\\w+\\(", "\\b(?<fn>function)\\s+\\w+\\("])!;
    expect(combined).toBe("(?:\\b(?<fn__1>def)\\s+\\w+\\()|(?:\\b(?<fn__2>function)\\s+\\w+\\()");
    const re = new RegExp(combined, "u");
    expect(["def f(", "function g(", "define"].map((t) => re.test(t))).toEqual([true, true, false]);
  });

  it("shifts numbered backreferences past the groups of earlier patterns, and leaves classes alone", () => {
    const combined = combinedPattern(["(a)(b)", "(c)\\1", "[(\\]](x)\\k<q>(?<q>y)\\2"])!;
    expect(combined).toBe("(?:(a)(b))|(?:(c)\\3)|(?:[(\\]](x)\\k<q__3>(?<q__3>y)\\5)");
    const re = new RegExp(combined, "u");
    expect(["cc", "cb", "(xyy", "(xyx"].map((t) => re.test(t))).toEqual([true, false, true, false]);
  });

  it("keeps a single pattern as it is", () => {
    expect(combinedPattern(["(?<fn>def)"])).toBe("(?<fn>def)");
    expect(combinedPattern([])).toBeNull();
  });
});
