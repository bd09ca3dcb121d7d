import { describe, expect, it } from "vitest";
import { anchorAlternationFix, topLevelAlternatives } from "./anchors.js";
import { analyzeBacktracking } from "./backtracking.js";

describe("anchorAlternationFix", () => {
  it("catches anchors that bind to one alternative only", () => {
    expect(anchorAlternationFix("^a|b$")).toBe("^(?:a|b)$");
    expect(anchorAlternationFix("^a|b")).toBe("^(?:a|b)");
    expect(anchorAlternationFix("a|b|c$")).toBe("(?:a|b|c)$");
  });
  it("leaves anchored alternatives, groups, classes and escapes alone", () => {
    expect(anchorAlternationFix("^a$|^b$")).toBeNull();
    expect(anchorAlternationFix("^(a|b)$")).toBeNull();
    expect(anchorAlternationFix("^[|]$")).toBeNull();
    expect(anchorAlternationFix("^a\\|b$")).toBeNull();
    expect(anchorAlternationFix("a|b\\$")).toBeNull();
    expect(topLevelAlternatives("(a|b)|[|]|\\|")).toEqual(["(a|b)", "[|]", "\\|"]);
  });
});

describe("analyzeBacktracking", () => {
  it("proves simple patterns safe", () => {
    expect(analyzeBacktracking("^team-[a-z0-9-]+$").kind).toBe("safe");
    expect(analyzeBacktracking("^(eu|us)-(west|east)$").kind).toBe("safe");
  });
  it("finds exponential and polynomial backtracking, with the slow part", () => {
    expect(analyzeBacktracking("^(a+)+$")).toMatchObject({ kind: "exponential", hotspots: ["a"] });
    expect(analyzeBacktracking(".*foo.*")).toMatchObject({ kind: "polynomial", degree: 2 });
  });
  it("refuses what it cannot reason about", () => {
    expect(analyzeBacktracking("^(a+)\\1+$")).toMatchObject({ kind: "unprovable", reason: expect.stringMatching(/back-reference/) });
  });
  it("is deterministic", () => {
    expect(analyzeBacktracking("^(\\w|\\d)*!$")).toEqual(analyzeBacktracking("^(\\w|\\d)*!$"));
  });
});
