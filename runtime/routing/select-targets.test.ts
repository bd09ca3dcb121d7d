import { describe, expect, it } from "vitest";
import type { LinkedModel, LinkedTarget } from "../plan/linked-plan.js";
import { pickWeighted } from "./select-targets.js";

const target = (model: string): LinkedTarget => ({ model, upstream: {} as LinkedTarget["upstream"] });

describe("pickWeighted", () => {
  const a = target("a");
  const b = target("b");
  const model: LinkedModel = { index: 0, name: "m", weighted: [a, b], cumulativeWeights: [3, 4], fallbacks: [a, b], unavailable: null, fallbackMasks: null, reliability: null };

  it("maps the random draw onto the cumulative weights", () => {
    expect(pickWeighted(model, 0)).toBe(a);
    expect(pickWeighted(model, 0.74)).toBe(a);
    expect(pickWeighted(model, 0.75)).toBe(b);
    expect(pickWeighted(model, 0.999999)).toBe(b);
  });

  it("gives each target its share over many draws", () => {
    let hitsA = 0;
    for (let i = 0; i < 20_000; i++) if (pickWeighted(model) === a) hitsA++;
    expect(hitsA / 20_000).toBeGreaterThan(0.72);
    expect(hitsA / 20_000).toBeLessThan(0.78);
  });
});
