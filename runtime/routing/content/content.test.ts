/** The content classifiers: keywords (one automaton, runtime/canonical/aho-corasick.ts) and patterns on the last user message. */
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../canonical/chat-request.js";
import { LinkedClassifiers } from "./linked-classifiers.js";

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
  const body = (content: string, earlier = "step by step"): readonly ChatMessage[] => [
    { role: "user", content: earlier },
    { role: "assistant", content: "ok" },
    { role: "user", content },
  ];

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

describe("classifiers on unspaced scripts (issue #17)", () => {
  const table = new LinkedClassifiers({
    names: ["proof", "ai"],
    keywords: [
      { text: "证明", classifier: 0, caseSensitive: false, wholeWord: true },
      { text: "ai", classifier: 1, caseSensitive: false, wholeWord: true },
    ],
    patterns: [null, null],
    maxChars: 4096,
  });
  const ask = (content: string): boolean[] => table.classify([{ role: "user", content }]);

  it("matches a whole-word CJK keyword inside a CJK sentence, and a Latin one next to CJK", () => {
    expect(ask("请证明这个定理")).toEqual([true, false]);
    expect(ask("用AI写一首诗")).toEqual([false, true]);
    expect(ask("said the AI.")).toEqual([false, true]);
  });

  it("still keeps Latin keywords to whole words", () => {
    expect(ask("maintain the rail")).toEqual([false, false]);
  });
});
