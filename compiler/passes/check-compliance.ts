/**
 * Pass: check-compliance. For every constraint ("consumers tagged X reach only
 * providers tagged Y"), follows every path a bound consumer's request can take:
 * consumer → route → model → its targets and fallbacks → through model fallbacks,
 * other models' targets → provider. A provider without the required tags on any such
 * path is an error, reported once per offending target entry (where the fix goes),
 * with the whole path in the message and a note at each hop.
 */
import { type CompileContext, child } from "../context.js";
import type { AttemptStep, ExpandedPolicy, NormalizedConstraint, Origin } from "../ir.js";
import { reachability } from "../analysis/reachability.js";
import { targetLabel } from "../analysis/worst-case.js";
import { describeTags, hasAllTags, missingTags } from "../analysis/tags.js";

/** Reports every constraint violation; returns its input unchanged. */
export function checkCompliance(policy: ExpandedPolicy, ctx: CompileContext): ExpandedPolicy {
  const facts = reachability(policy);
  for (const constraint of policy.constraints) {
    // Offending target entry (by position) → the first path that reaches it, and how many bound consumers do.
    const found = new Map<string, { consumer: number; model: number; step: AttemptStep; others: Set<number> }>();
    policy.consumers.forEach((consumer, c) => {
      if (!hasAllTags(consumer.tags, constraint.consumerTags)) return;
      for (const m of facts.consumerModels[c] ?? []) {
        for (const step of policy.attempts[m] ?? []) {
          const provider = policy.providers[step.target.provider];
          if (provider === undefined || hasAllTags(provider.tags, constraint.providerTags)) continue;
          const key = siteKey(step.target.at);
          const first = found.get(key);
          if (first === undefined) found.set(key, { consumer: c, model: m, step, others: new Set() });
          else if (first.consumer !== c) first.others.add(c);
        }
      }
    });
    for (const violation of found.values()) report(policy, facts.routeTo, constraint, violation, ctx);
  }
  return policy;
}

function report(
  policy: ExpandedPolicy,
  routeTo: readonly number[],
  constraint: NormalizedConstraint,
  v: { consumer: number; model: number; step: AttemptStep; others: ReadonlySet<number> },
  ctx: CompileContext,
): void {
  const consumer = policy.consumers[v.consumer];
  const model = policy.models[v.model];
  const route = policy.routes[routeTo[v.model] ?? -1];
  const provider = policy.providers[v.step.target.provider];
  if (consumer === undefined || model === undefined || route === undefined || provider === undefined) return;
  const modelName = (m: number): string => policy.models[m]?.name ?? "?";
  const entry = v.step.target.at.path.at(-2) === "fallbacks" ? "fallback" : "target";

  const hops = [
    `consumer \`${consumer.name}\``,
    route.implicit ? `the implicit route of \`${model.name}\`` : route.label,
    `model \`${model.name}\``,
    ...v.step.via.map((hop) => `fallback model \`${modelName(hop.to)}\``),
    `${entry} ${targetLabel(policy, v.step.target)}`,
  ];
  const others = v.others.size === 0 ? "" : ` (and ${v.others.size} more bound consumer${v.others.size === 1 ? "" : "s"})`;
  const missing = missingTags(provider.tags, constraint.providerTags);
  const related: { at: Origin; message: string; part?: "key" | "value" }[] = [
    { at: child(consumer.at, "name"), message: `consumer \`${consumer.name}\` carries ${describeTags(constraint.consumerTags)}, so constraint \`${constraint.name}\` binds it` },
    { at: route.implicit ? route.at : child(route.at, "match"), message: `${route.label} leads to model \`${model.name}\``, part: "key" },
    ...v.step.via.map((hop) => ({ at: hop.at, message: `model \`${modelName(hop.from)}\` falls back to model \`${modelName(hop.to)}\`` })),
    { at: child(provider.at, "name"), message: `provider \`${provider.name}\` ${provider.tags.size === 0 ? "has no tags" : `has ${describeTags(provider.tags)}`}` },
    { at: child(constraint.at, "providers", "tags"), message: `constraint \`${constraint.name}\` requires ${describeTags(constraint.providerTags)}` },
  ];
  ctx.report(
    "constraint-violated",
    {
      constraint: constraint.name,
      consumer: consumer.name,
      others,
      provider: provider.name,
      missing: missing.join(" and "),
      path: hops.join(" → "),
    },
    v.step.target.at,
    { related },
  );
}

function siteKey(at: Origin): string {
  return `${at.doc.file}#${at.doc.index}:${at.path.join(".")}`;
}
