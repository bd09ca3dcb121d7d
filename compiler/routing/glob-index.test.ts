import { describe, expect, it } from "vitest";
import { GlobIndex } from "./glob-index.js";

const routes = [
  { pattern: "gpt-*", glob: true },
  { pattern: "gpt-4o", glob: false },
  { pattern: "*", glob: true },
  { pattern: "gpt-4o-*", glob: true },
  { pattern: "o?", glob: true },
  { pattern: "claude-*", glob: true },
];

describe("GlobIndex", () => {
  const index = new GlobIndex(routes);
  it("finds exactly the globs that match a name, in route order", () => {
    expect(index.matching("gpt-4o-mini")).toEqual([0, 2, 3]);
    expect(index.matching("o1")).toEqual([2, 4]);
    expect(index.matching("mistral")).toEqual([2]);
  });
  it("narrows the globs that may cover a glob to those with a prefix of its literal prefix", () => {
    expect(index.mayCover("gpt-4o-*")).toEqual([0, 2, 3]);
    expect(index.mayCover("claude-3-*")).toEqual([2, 5]);
  });
});
