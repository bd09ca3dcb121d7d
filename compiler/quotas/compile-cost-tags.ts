/**
 * The plan's `costTags`: header rules with lower-cased header names, and the tags that
 * label metrics (warned about when nothing sets them). Called by compile-quotas.
 */
import type { PlanCostTags } from "../../schemas/plan/quota.js";
import { type CompileContext, child } from "../context.js";
import type { ExpandedPolicy } from "../ir.js";

export function compileCostTags(policy: ExpandedPolicy, ctx: CompileContext): PlanCostTags {
  const block = policy.costTags;
  if (block == null) return { headers: [], metrics: [] };
  const seen = new Set<string>();
  const headers = (block.value.headers ?? []).map((h, i) => {
    const header = h.header.toLowerCase();
    if (seen.has(header)) ctx.report("cost-tag-header-twice", { header }, child(block.at, "headers", i, "header"));
    seen.add(header);
    return { header, tag: h.tag, values: [...new Set(h.values)] };
  });
  const set = new Set<string>(headers.map((h) => h.tag));
  for (const c of policy.consumers) {
    for (const name of c.tags.keys()) set.add(name);
    for (const k of c.keyLabels ?? []) for (const name of k.tags?.keys() ?? []) set.add(name);
  }
  const metrics = block.value.metrics ?? [];
  metrics.forEach((tag, i) => {
    if (!set.has(tag)) ctx.report("cost-tag-metric-unknown", { tag }, child(block.at, "metrics", i));
  });
  return { headers, metrics: [...new Set(metrics)] };
}
