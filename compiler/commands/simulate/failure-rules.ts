/**
 * `--fail` assumptions of `tollgate simulate` and `tollgate explain`:
 *
 *   openai                    every attempt on `openai` fails with a server error
 *   openai=0.3                30% of attempts fail (simulate only)
 *   openai/gpt-4o=30%         one target
 *   openai:context_too_long   the failure's class (default `server`)
 *   openai:server@2s          … after 2 s (default: at once; `timeout` runs to the attempt's limit)
 *
 * A rule for a target wins over one for its provider; a later rule wins over an
 * earlier one. The class decides what happens next (retry, which fallback, degraded
 * answer) exactly as at run time.
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import { ERROR_CLASSES, type ErrorClass } from "../../../schemas/plan/constants.js";
import type { UpstreamBehaviour, UpstreamScript } from "../../decision/attempt-engine.js";
import { nearestName, suggestName } from "../../diagnostics/suggest.js";

/** One failure assumption. */
export interface FailureRule {
  readonly provider: string;
  /** The upstream model name, or null for every model of the provider. */
  readonly model: string | null;
  /** Probability that one attempt fails, in [0, 1]. */
  readonly rate: number;
  /** How it fails. */
  readonly class: ErrorClass;
  /** When it fails, in ms after the attempt starts (a `timeout` runs to the attempt's limit). */
  readonly afterMs: number;
}

const RULE = /^([^=:@]+?)(?:=(\d+(?:\.\d+)?)(%?))?(?::([a-z_]+))?(?:@(\d+(?:\.\d+)?)(ms|s)?)?$/;

/** Parses the `--fail` values against the plan's providers; a string says what is wrong. */
export function parseFailureRules(specs: readonly string[], plan: Plan): FailureRule[] | string {
  const providers = plan.upstreams.map((u) => u.name);
  const rules: FailureRule[] = [];
  for (const spec of specs) {
    const match = RULE.exec(spec.trim());
    if (match === null) return `--fail ${spec}: write <provider>[/<model>][=<rate>][:<class>][@<delay>], e.g. openai=0.3, openai/gpt-4o:context_too_long or vllm:timeout`;
    const [, name = "", number, pct, cls = "server", delay, unit] = match;
    const rate = number === undefined ? 1 : Number(number) / (pct === "%" ? 100 : 1);
    if (!(rate >= 0 && rate <= 1)) return `--fail ${spec}: the rate must be between 0 and 1 (or 0% and 100%)`;
    if (!(ERROR_CLASSES as readonly string[]).includes(cls)) {
      const near = nearestName(cls, ERROR_CLASSES);
      return `--fail ${spec}: \`${cls}\` is not an error class; ${near === undefined ? `use one of ${ERROR_CLASSES.join(", ")}` : `did you mean \`${near}\`?`}`;
    }
    const slash = name.indexOf("/");
    const provider = slash === -1 ? name : name.slice(0, slash);
    if (!providers.includes(provider)) return `--fail ${spec}: no provider \`${provider}\` in the plan; ${suggestName(provider, providers, "providers") ?? "check the name"}`;
    const afterMs = delay === undefined ? 0 : Number(delay) * (unit === "s" ? 1000 : 1);
    rules.push({ provider, model: slash === -1 ? null : name.slice(slash + 1), rate, class: cls as ErrorClass, afterMs });
  }
  return rules;
}

/** The rule that applies to an attempt on `target`, if any. */
export function ruleFor(rules: readonly FailureRule[], plan: Plan, target: number): FailureRule | undefined {
  const t = plan.targets[target];
  const provider = plan.upstreams[t?.upstream ?? -1]?.name;
  return rules.findLast((r) => r.provider === provider && r.model === t?.model) ?? rules.findLast((r) => r.provider === provider && r.model === null);
}

/** The failure probability of an attempt to `target`. */
export function failureRate(rules: readonly FailureRule[], plan: Plan, target: number): number {
  return ruleFor(rules, plan, target)?.rate ?? 0;
}

/** How a failing attempt behaves. */
export function failureBehaviour(rule: FailureRule): UpstreamBehaviour {
  return rule.class === "timeout" ? { kind: "hang" } : { kind: "error", class: rule.class, afterMs: rule.afterMs };
}

/**
 * The script of one request: each attempt fails with its rule's probability (drawn
 * only for uncertain outcomes, so adding a certain rule does not reshuffle the other
 * draws), else answers after `answerMs`.
 */
export function failureScript(rules: readonly FailureRule[], plan: Plan, random: () => number, answerMs = 0): UpstreamScript {
  return ({ target }) => {
    const rule = ruleFor(rules, plan, target);
    const rate = rule?.rate ?? 0;
    const fails = rule !== undefined && (rate >= 1 || (rate > 0 && random() < rate));
    return fails ? failureBehaviour(rule) : { kind: "answer", afterMs: answerMs };
  };
}

/** "openai 30%, openai/gpt-4o 100% context_too_long". */
export function describeRules(rules: readonly FailureRule[]): string {
  return rules
    .map((r) => {
      const what = r.class === "server" ? "" : ` ${r.class}`;
      const when = r.afterMs > 0 && r.class !== "timeout" ? ` after ${r.afterMs}ms` : "";
      return `${r.provider}${r.model === null ? "" : `/${r.model}`} ${Math.round(r.rate * 1000) / 10}%${what}${when}`;
    })
    .join(", ");
}
