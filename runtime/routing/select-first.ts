/**
 * The first target of a request: the model's selection program when it has one,
 * else one weighted draw (the fast path: no allocation, no stats). When health state
 * is plugged in (`plan.availability`), a plain weighted model draws among the
 * available targets only.
 */
import type { LinkedModel, LinkedPlan, LinkedTarget } from "../plan/linked-plan.js";
import type { ChatRequestView } from "../canonical/chat-request.js";
import { ALWAYS_AVAILABLE } from "./selection/availability.js";
import type { RouteFacts } from "./route-facts.js";
import { pickWeighted } from "./select-targets.js";

export function selectFirst(plan: LinkedPlan, model: LinkedModel, headers: Readonly<Record<string, string>>, request: ChatRequestView, facts: RouteFacts | null): LinkedTarget {
  const selector = model.selector;
  if (selector != null) return selector.select({ headers, request, promptTokens: facts === null ? -1 : facts.promptTokensIfKnown });
  const availability = plan.availability.current;
  if (availability === ALWAYS_AVAILABLE) return pickWeighted(model);
  const picked = pickWeighted(model);
  if (availability.isAvailable(picked)) return picked;
  // Redraw among the available targets by weight; when none is, keep the draw (the attempt order takes over).
  let total = 0;
  const weights = model.cumulativeWeights;
  for (let i = 0; i < model.weighted.length; i++) if (availability.isAvailable(model.weighted[i]!)) total += weights[i]! - (i === 0 ? 0 : weights[i - 1]!);
  if (total <= 0) return picked;
  let draw = Math.random() * total;
  for (let i = 0; i < model.weighted.length; i++) {
    const t = model.weighted[i]!;
    if (!availability.isAvailable(t)) continue;
    draw -= weights[i]! - (i === 0 ? 0 : weights[i - 1]!);
    if (draw < 0) return t;
  }
  return picked;
}
