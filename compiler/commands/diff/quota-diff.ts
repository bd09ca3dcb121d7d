/**
 * Quota and budget changes between two plans, keyed by quota name: added, removed,
 * and per quota the settings that changed (limit, window, burst, scope, unit,
 * consistency, action, store-failure mode, and which consumers and models it applies
 * to, by name so renumbered indices are not changes).
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import type { PlanQuota } from "../../../schemas/plan/quota.js";
import { canonicalJson } from "../../../schemas/plan/canonical.js";

export interface QuotaDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly quota: string; readonly fields: readonly { readonly field: string; readonly before: string | null; readonly after: string | null }[] }[];
}

/** A quota's settings as names, comparable across plans. */
function settings(plan: Plan, q: PlanQuota): Record<string, unknown> {
  const names = (mask: readonly boolean[] | null, list: readonly { name: string }[]): string[] | "all" =>
    mask === null
      ? "all"
      : list
          .filter((_x, i) => mask[i] === true)
          .map((x) => x.name)
          .sort();
  return {
    unit: q.unit,
    limit: q.limit,
    per: q.per,
    burst: q.burst,
    scope: q.header === null ? q.scope : `header ${q.header}`,
    consumers: names(q.consumers, plan.consumers),
    models: names(q.models, plan.models),
    consistency: q.consistency,
    action: q.downgrade === null ? "reject" : `downgrade to ${plan.models[q.downgrade]?.name ?? "?"}`,
    onStoreFailure: q.failOpen ? "open" : "closed",
    outputTokens: q.outputTokens,
    count: q.exact ? "exact" : "estimate",
  };
}

export function diffQuotas(before: Plan, after: Plan): QuotaDiff {
  const old = new Map((before.quotas ?? []).map((q) => [q.name, settings(before, q)]));
  const now = new Map((after.quotas ?? []).map((q) => [q.name, settings(after, q)]));
  const changed: QuotaDiff["changed"][number][] = [];
  for (const [name, s] of now) {
    const was = old.get(name);
    if (was === undefined) continue;
    const fields = Object.keys(s)
      .map((field) => ({ field, before: canonicalJson(was[field]), after: canonicalJson(s[field]) }))
      .filter((f) => f.before !== f.after);
    if (fields.length > 0) changed.push({ quota: name, fields });
  }
  return { added: [...now.keys()].filter((n) => !old.has(n)), removed: [...old.keys()].filter((n) => !now.has(n)), changed };
}

/** Text lines for `tollgate diff`. */
export function quotaDiffLines(d: QuotaDiff): string[] {
  return [
    ...d.added.map((q) => `+ quota \`${q}\``),
    ...d.removed.map((q) => `- quota \`${q}\``),
    ...d.changed.map((c) => `~ quota \`${c.quota}\`: ${c.fields.map((f) => `${f.field} ${f.before} → ${f.after}`).join("; ")}`),
  ];
}

/** Markdown table rows: quota, setting, before, after. */
export function quotaDiffRows(d: QuotaDiff): string[][] {
  return [
    ...d.added.map((q) => [`\`${q}\``, "(added)", "", ""]),
    ...d.removed.map((q) => [`\`${q}\``, "(removed)", "", ""]),
    ...d.changed.flatMap((c) => c.fields.map((f) => [`\`${c.quota}\``, `\`${f.field}\``, f.before ?? "", f.after ?? ""])),
  ];
}

export function quotaChangeCount(d: QuotaDiff): number {
  return d.added.length + d.removed.length + d.changed.length;
}
