import { describe, expect, it } from "vitest";
import { editDistance, nearestName, quoteList, suggestName } from "./suggest.js";

describe("editDistance", () => {
  it("counts inserts, deletes and substitutions", () => {
    expect(editDistance("", "")).toBe(0);
    expect(editDistance("abc", "abc")).toBe(0);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("opnai", "openai")).toBe(1);
  });
});

describe("nearestName", () => {
  it("prefers a case-insensitive match", () => {
    expect(nearestName("baseURL", ["apiKeys", "baseUrl", "name"])).toBe("baseUrl");
  });
  it("finds a typo within a third of the length", () => {
    expect(nearestName("opnai", ["mock", "openai"])).toBe("openai");
    expect(nearestName("gpt4o", ["gpt-4o", "gpt-4o-mini"])).toBe("gpt-4o");
  });
  it("does not suggest unrelated names", () => {
    expect(nearestName("anthropic", ["openai", "mock"])).toBeUndefined();
    expect(nearestName("ab", ["xy"])).toBeUndefined();
  });
  it("breaks ties by candidate order", () => {
    expect(nearestName("ab", ["ac", "ad"])).toBe("ac");
  });
  it("never suggests the name itself", () => {
    expect(nearestName("same", ["same"])).toBeUndefined();
  });
});

describe("suggestName", () => {
  it("suggests, lists, or says nothing is defined", () => {
    expect(suggestName("opnai", ["openai", "mock"], "providers")).toBe("did you mean `openai`?");
    expect(suggestName("vertex", ["openai", "mock"], "providers")).toBe("known providers: `openai` and `mock`");
    expect(suggestName("x", [], "providers")).toBe("no providers are defined");
    const many = Array.from({ length: 20 }, (_, i) => `name-${i}`);
    expect(suggestName("unrelated", many, "models")).toBeUndefined();
  });
  it("quotes lists", () => {
    expect(quoteList(["a"])).toBe("`a`");
    expect(quoteList(["a", "b", "c"], "or")).toBe("`a`, `b` or `c`");
  });
});
