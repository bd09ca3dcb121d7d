/** Keyword automaton, classifiers and the prompt-size estimate. */
import { describe, expect, it } from "vitest";
import { AhoCorasick } from "../../canonical/keyword-automaton.js";
import { LinkedClassifiers } from "./linked-classifiers.js";
import { estimatePromptTokens } from "../../canonical/prompt-tokens.js";

describe("Aho-Corasick", () => {
  it("finds overlapping keywords and keywords inside others in one pass", () => {
    const ac = new AhoCorasick([
      { text: "he", classifier: 0, wholeWord: false },
      { text: "she", classifier: 1, wholeWord: false },
      { text: "hers", classifier: 2, wholeWord: false },
      { text: "his", classifier: 3, wholeWord: false },
    ]);
    const hits = [false, false, false, false];
    ac.scan("ushers", hits);
    expect(hits).toEqual([true, true, true, false]);
  });

  it("honours whole words", () => {
    const ac = new AhoCorasick([{ text: "prove", classifier: 0, wholeWord: true }]);
    const scan = (t: string): boolean => {
      const hits = [false];
      ac.scan(t, hits);
      return hits[0]!;
    };
    expect(scan("please prove it")).toBe(true);
    expect(scan("prove")).toBe(true);
    expect(scan("improve it")).toBe(false);
    expect(scan("proven")).toBe(false);
    expect(scan("improve, then prove.")).toBe(true);
  });
});

describe("classifiers", () => {
  const table = new LinkedClassifiers({
    names: ["complex", "code", "Secret"],
    keywords: [
      { text: "step by step", classifier: 0, caseSensitive: false, wholeWord: true },
      { text: "TODO", classifier: 2, caseSensitive: true, wholeWord: true },
    ],
    patterns: [null, "\\bdef\\s+\\w+\\(", null],
    maxChars: 64,
  });
  const body = (content: string, earlier = "step by step"): Record<string, unknown> => ({
    messages: [
      { role: "user", content: earlier },
      { role: "assistant", content: "ok" },
      { role: "user", content },
    ],
  });

  it("scans only the last user message, case-folded unless case-sensitive", () => {
    expect(table.classify(body("Think STEP BY STEP"))).toEqual([true, false, false]);
    expect(table.classify(body("hello"))).toEqual([false, false, false]);
    expect(table.classify(body("def main(): TODO"))).toEqual([false, true, true]);
    expect(table.classify(body("def main(): todo"))).toEqual([false, true, false]);
  });

  it("scans at most maxChars characters", () => {
    expect(table.classify(body("x ".repeat(40) + "step by step"))).toEqual([false, false, false]);
  });
});

describe("prompt-size estimate", () => {
  it("counts about 4 ASCII characters per token and 1 per CJK character, plus framing", () => {
    expect(estimatePromptTokens({ messages: [{ role: "user", content: "a".repeat(400) }] }, 10_000)).toBe(104);
    expect(estimatePromptTokens({ messages: [{ role: "user", content: "中".repeat(100) }] }, 10_000)).toBe(104);
    expect(estimatePromptTokens({ messages: [{ role: "user", content: [{ type: "text", text: "a".repeat(40) }, { type: "image_url" }] }] }, 10_000)).toBe(14);
  });

  it("stops once it is past the cap", () => {
    const huge = { messages: [{ role: "user", content: "a".repeat(4_000_000) }] };
    const t = estimatePromptTokens(huge, 1000);
    expect(t).toBeGreaterThan(1000);
    expect(t).toBeLessThan(1200);
  });
});
