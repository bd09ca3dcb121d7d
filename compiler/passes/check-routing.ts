/**
 * Pass: check-routing. Findings about selection strategies, pools and classifiers
 * that need the whole normalized policy: a `cost` strategy over an unpriced target,
 * a strategy on a model with one target, pools and classifiers nothing uses. Also
 * publishes each pool endpoint's compiled traffic share for `tollgate check`.
 */
import type { CompileContext } from "../context.js";
import { child } from "../context.js";
import type { NormalizedPolicy } from "../ir.js";

/** Reports strategy, pool and classifier findings; returns its input unchanged. */
export function checkRouting(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  for (const model of policy.models) {
    const selection = model.selection;
    if (selection == null) continue;
    const weighted = model.targets.filter((t) => t.weight > 0);
    const explicit = !(selection.scorers.length === 1 && selection.scorers[0]?.kind === "weighted");
    if (weighted.length === 1 && explicit) ctx.report("strategy-single-target", { model: model.name }, child(model.at, "strategy"), { part: "key" });
    if (selection.scorers.some((s) => s.kind === "cost")) {
      for (const t of model.targets) {
        if (t.price !== null) continue;
        const provider = policy.providers[t.provider]?.name ?? "?";
        ctx.report("cost-strategy-unpriced", { model: model.name, target: `\`${t.model}\` on \`${provider}\`` }, t.at);
      }
    }
  }
  const usedProviders = new Set(policy.models.flatMap((m) => [...m.targets.map((t) => t.provider), ...m.fallbacks.flatMap((f) => (f.kind === "target" ? [f.provider] : []))]));
  for (const pool of policy.pools ?? []) {
    if (!pool.endpoints.some((e) => usedProviders.has(e.provider))) ctx.report("unused-pool", { name: pool.name }, child(pool.at, "name"));
  }
  const usedClassifiers = new Set(policy.routes.flatMap((r) => r.extra?.classifiers ?? []));
  (policy.classifiers ?? []).forEach((c, i) => {
    if (!usedClassifiers.has(i)) ctx.report("unused-classifier", { name: c.name }, child(c.at, "name"));
  });
  const shares = (policy.pools ?? []).flatMap((pool) =>
    pool.endpoints.map((e) => ({
      pool: pool.name,
      endpoint: policy.providers[e.provider]?.name ?? "?",
      gpu: e.gpu,
      gpus: e.gpus,
      weight: e.weight,
      share: e.share,
    })),
  );
  if (shares.length > 0) ctx.publish("poolShares", shares);
  return policy;
}
