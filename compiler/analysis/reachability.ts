/**
 * Who can reach what, computed once from the expanded policy for the analyses that
 * follow paths (compliance) or look for what nothing reaches (dead config).
 *
 * A consumer reaches a model when some live route leads to it and the consumer's
 * allow-list admits it; from there, every step of the model's attempt order (targets,
 * fallbacks and, through model fallbacks, other models' targets: the allow-list is not
 * consulted again, as at run time). Over-approximates, which is the sound direction
 * for both uses: "live" routes include a few that a complete analysis would prove dead.
 */
import type { ExpandedPolicy } from "../ir.js";
import { routeReach } from "../routing/shadowing.js";

/** Reachability facts. */
export interface Reachability {
  /** routeTo[m]: the first live route to model m, or -1 when no request can name it. */
  readonly routeTo: readonly number[];
  /** consumerModels[c]: the models consumer c can request, in model order. */
  readonly consumerModels: readonly (readonly number[])[];
  /** served[m]: some consumer can request model m, or a model it can request falls back to m. */
  readonly served: readonly boolean[];
}

const memo = new WeakMap<ExpandedPolicy, Reachability>();

/** The reachability facts of a policy (computed once per policy value). */
export function reachability(policy: ExpandedPolicy): Reachability {
  const cached = memo.get(policy);
  if (cached !== undefined) return cached;
  const { live } = routeReach(policy.routes);
  const routeTo = policy.models.map(() => -1);
  policy.routes.forEach((route, i) => {
    if (live[i] && routeTo[route.model] === -1) routeTo[route.model] = i;
  });
  const consumerModels = policy.consumers.map((c) => policy.models.flatMap((_, m) => (c.allowedModels[m] === true && routeTo[m] !== -1 ? [m] : [])));

  // Served: what consumers can request, then whatever those models fall back to, transitively.
  const served = policy.models.map(() => false);
  const queue = consumerModels.flat();
  for (let m = queue.pop(); m !== undefined; m = queue.pop()) {
    if (served[m] === true) continue;
    served[m] = true;
    for (const f of policy.models[m]?.fallbacks ?? []) if (f.kind === "model") queue.push(f.model);
  }
  const facts = { routeTo, consumerModels, served };
  memo.set(policy, facts);
  return facts;
}
