/**
 * `--fail` assumptions of `tollgate simulate`: `openai=0.3` (30% of attempts to any
 * model on `openai` fail), `openai/gpt-4o=30%` (one target), `vllm` (every attempt
 * fails). A rule for a target wins over one for its provider.
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import { suggestName } from "../../diagnostics/suggest.js";

/** One failure assumption. */
export interface FailureRule {
  readonly provider: string;
  /** The upstream model name, or null for every model of the provider. */
  readonly model: string | null;
  /** Probability that one attempt fails, in [0, 1]. */
  readonly rate: number;
}

/** Parses the `--fail` values against the plan's providers; a string says what is wrong. */
export function parseFailureRules(specs: readonly string[], plan: Plan): FailureRule[] | string {
  const providers = plan.upstreams.map((u) => u.name);
  const rules: FailureRule[] = [];
  for (const spec of specs) {
    const match = /^([^=]+?)(?:=(\d+(?:\.\d+)?)(%?))?$/.exec(spec.trim());
    if (match === null) return `--fail ${spec}: write <provider>[/<model>][=<rate>], e.g. openai=0.3 or openai/gpt-4o=30%`;
    const [, name = "", number, pct] = match;
    const rate = number === undefined ? 1 : Number(number) / (pct === "%" ? 100 : 1);
    if (!(rate >= 0 && rate <= 1)) return `--fail ${spec}: the rate must be between 0 and 1 (or 0% and 100%)`;
    const slash = name.indexOf("/");
    const provider = slash === -1 ? name : name.slice(0, slash);
    if (!providers.includes(provider)) return `--fail ${spec}: no provider \`${provider}\` in the plan; ${suggestName(provider, providers, "providers") ?? "check the name"}`;
    rules.push({ provider, model: slash === -1 ? null : name.slice(slash + 1), rate });
  }
  return rules;
}

/** The failure probability of an attempt to `target`. */
export function failureRate(rules: readonly FailureRule[], plan: Plan, target: number): number {
  const t = plan.targets[target];
  const provider = plan.upstreams[t?.upstream ?? -1]?.name;
  const exact = rules.findLast((r) => r.provider === provider && r.model === t?.model);
  return (exact ?? rules.findLast((r) => r.provider === provider && r.model === null))?.rate ?? 0;
}

/** "openai 30%, openai/gpt-4o 100%". */
export function describeRules(rules: readonly FailureRule[]): string {
  return rules.map((r) => `${r.provider}${r.model === null ? "" : `/${r.model}`} ${Math.round(r.rate * 1000) / 10}%`).join(", ");
}
