import { describe, expect, it } from "vitest";
import { anchorAlternationFix, topLevelAlternatives } from "./anchors.js";

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
