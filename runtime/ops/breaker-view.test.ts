import { expect, it } from "vitest";
import { mergeBreakerViews } from "./breaker-view.js";

it("merges the workers' views: ejected anywhere is ejected, open wins, the longest wait, ejections summed", () => {
  const merged = mergeBreakerViews([
    { watched: 3, ejected: [{ provider: "a", state: "half-open", remainingMs: 0, ejections: 2 }] },
    {
      watched: 3,
      ejected: [
        { provider: "a", state: "open", remainingMs: 4000, ejections: 1 },
        { provider: "b", state: "open", remainingMs: 1000, ejections: 1 },
      ],
    },
    { watched: 3, ejected: [] },
  ]);
  expect(merged).toEqual({
    watched: 3,
    ejected: [
      { provider: "a", state: "open", remainingMs: 4000, ejections: 3 },
      { provider: "b", state: "open", remainingMs: 1000, ejections: 1 },
    ],
  });
  expect(mergeBreakerViews([])).toEqual({ watched: 0, ejected: [] });
});
