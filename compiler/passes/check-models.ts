/**
 * Pass: check-models. Weight tables need at least one positive weight and a finite
 * total (the runtime draws a random number below it); repeated
 * targets and fallbacks are harmless but misleading (each target is attempted at most
 * once), so they are warnings. A gateway without models is warned about too.
 */
import { type CompileContext, child } from "../context.js";
import type { NormalizedPolicy, NormalizedTarget } from "../ir.js";
import { gatewaySite } from "./gateway-site.js";

/** Reports model findings; returns its input unchanged. */
export function checkModels(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  const label = (t: NormalizedTarget): string => `\`${t.model}\` on \`${policy.providers[t.provider]?.name ?? "?"}\``;
  const key = (t: NormalizedTarget): string => `${t.provider}\u0000${t.model}`;

  for (const model of policy.models) {
    const targetsAt = child(model.at, "targets");
    if (!model.targets.some((t) => t.weight > 0)) ctx.report("zero-weights", { model: model.name }, targetsAt, { part: "key" });
    const total = model.targets.reduce((sum, t) => sum + t.weight, 0);
    if (!Number.isFinite(total)) ctx.report("weight-overflow", { model: model.name }, targetsAt, { part: "key" });

    const targets = new Map<string, NormalizedTarget>();
    for (const target of model.targets) {
      const first = targets.get(key(target));
      if (first === undefined) targets.set(key(target), target);
      else {
        ctx.report("duplicate-target", { target: label(target), model: model.name }, target.at, {
          related: [{ at: first.at, message: "first listed here" }],
        });
      }
    }
    const fallbacks = new Map<string, NormalizedTarget>();
    for (const fallback of model.fallbacks) {
      // Model fallbacks are checked with the fallback graph (check-fallbacks).
      if (fallback.kind !== "target") continue;
      const asTarget = targets.get(key(fallback));
      const earlier = fallbacks.get(key(fallback));
      if (asTarget !== undefined) {
        ctx.report("fallback-already-tried", { target: label(fallback), model: model.name }, fallback.at, {
          related: [{ at: asTarget.at, message: "the target is here" }],
        });
      } else if (earlier !== undefined) {
        ctx.report("duplicate-fallback", { target: label(fallback), model: model.name }, fallback.at, {
          related: [{ at: earlier.at, message: "first listed here" }],
        });
      } else {
        fallbacks.set(key(fallback), fallback);
      }
    }
  }

  const site = gatewaySite(policy, ctx);
  if (policy.models.length === 0 && site !== undefined) ctx.report("no-models", {}, site);
  return policy;
}
