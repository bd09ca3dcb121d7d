/**
 * Picks the first target of a request by weight: one random draw over the compiled
 * cumulative weights. The attempts after it follow the model's compiled fallback
 * order (see ChatCall), so no policy is interpreted here.
 */
import type { LinkedModel, LinkedTarget } from "../plan/linked-plan.js";

export function pickWeighted(model: LinkedModel, random: number = Math.random()): LinkedTarget {
  const cumulative = model.cumulativeWeights;
  const draw = random * cumulative[cumulative.length - 1]!;
  for (let i = 0; i < cumulative.length; i++) {
    if (draw < cumulative[i]!) return model.weighted[i]!;
  }
  return model.weighted[model.weighted.length - 1]!;
}
