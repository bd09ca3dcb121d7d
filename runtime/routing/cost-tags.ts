/**
 * A request's cost-allocation tags: its key's and consumer's (linked once per plan),
 * plus the tags it may add by header, each from the values the policy accepts (so the
 * ledger's rows and metric labels stay bounded). A key's or consumer's tag wins over a
 * header's.
 */
import type { PlanCostTags } from "../../schemas/plan/quota.js";

/** Header rules as the request path reads them. */
export interface LinkedCostTags {
  readonly headers: readonly { readonly header: string; readonly tag: string; readonly values: ReadonlySet<string> }[];
  /** Tags that label the tagged metrics. */
  readonly metrics: readonly string[];
}

export function linkCostTags(plan: PlanCostTags | undefined): LinkedCostTags | null {
  if (plan === undefined) return null;
  return { headers: plan.headers.map((h) => ({ header: h.header, tag: h.tag, values: new Set(h.values) })), metrics: plan.metrics };
}

/** `base` plus the header tags the request carries with an accepted value (a new, sorted object only when one is added). */
export function requestTags(
  base: Readonly<Record<string, string>>,
  rules: LinkedCostTags,
  headers: Readonly<Record<string, string | undefined>>,
): Readonly<Record<string, string>> {
  let out: Record<string, string> | null = null;
  for (const rule of rules.headers) {
    const value = headers[rule.header];
    if (value === undefined || !rule.values.has(value) || Object.hasOwn(base, rule.tag)) continue;
    (out ??= { ...base })[rule.tag] = value;
  }
  if (out === null) return base;
  return Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((k) => [k, out![k]!]),
  );
}
