/**
 * The decision path of one request, step by step, each step with the policy line that
 * decided it (from the plan's source map), in the order the gateway takes them:
 * authentication, route, model, access; prompts, guardrails, cache and quotas; how the
 * first target is picked, the attempt order with its conditions, retries, budget,
 * deadline, hedge, degraded answer and timeouts; and with `--fail`, the attempts made
 * when those upstreams fail. Every decision comes from compiler/decision/, the model
 * the runtime is checked against (test/compiler/decision-conformance.test.ts).
 * Pure: plan + source map + request → steps.
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import { formatDuration, formatUsd } from "../../analysis/format.js";
import { planWorstCases } from "../../analysis/worst-case.js";
import { type Caller, decide, keyDigestOf } from "../../decision/decide.js";
import type { RequestHeaders } from "../../decision/match-route.js";
import { IMPLICIT_ROUTE_PREFIX } from "../../passes/resolve-refs.js";
import { type PlanSourceMap, type SourceLocation, pointer } from "../../sourcemap/plan-source-map.js";
import type { FailureRule } from "../simulate/failure-rules.js";
import { explainAdmission } from "./explain-admission.js";
import { explainAttempts, runResult } from "./explain-attempts.js";
import type { ExplainLine, ExplainStep, Explanation, StepSink } from "./explain-steps.js";

export type { ExplainLine, ExplainStep, Explanation } from "./explain-steps.js";

/** The request to explain. `callerLabel` says how the caller was given, without any secret. */
export interface ExplainInput {
  readonly model: string;
  readonly caller: Caller;
  readonly callerLabel: string;
  readonly headers: RequestHeaders;
  /** The request body, for routes on prompt size and content, quotas and `stream`. */
  readonly body?: Readonly<Record<string, unknown>>;
  /** With `--fail`: the failures to assume, for the `run` step. */
  readonly failures?: readonly FailureRule[];
}

/** Explains one request against `plan`. */
export function explainRequest(plan: Plan, sourceMap: PlanSourceMap | null, input: ExplainInput): Explanation {
  const steps: ExplainStep[] = [];
  const sink: StepSink = {
    step: (name, text, where, details = []) => void steps.push({ step: name, line: { text, at: where }, details }),
    at: (...path) => sourceMap?.mappings[pointer(...path)] ?? null,
  };
  const decision = decide(plan, { model: input.model, caller: input.caller, headers: input.headers, ...(input.body !== undefined ? { body: input.body } : {}) });
  const refused = (result: string, status: number, code: string): Explanation => ({ model: input.model, decision, steps, result, served: false, refusal: { status, code } });
  const consumer = decision.consumer === null ? undefined : plan.consumers[decision.consumer];
  if (consumer === undefined || decision.consumer === null) {
    const why = input.caller.kind === "none" ? "" : input.caller.kind === "consumer" ? ": no consumer has that name" : ": no consumer has this key";
    sink.step("auth", `${input.callerLabel}${why} → 401 invalid_api_key`, null);
    return refused("rejected: 401 invalid_api_key", 401, "invalid_api_key");
  }
  const keyIndex = input.caller.kind === "key-digest" ? consumer.keySha256.indexOf(input.caller.sha256.toLowerCase()) : -1;
  sink.step(
    "auth",
    `${input.callerLabel} → consumer \`${consumer.name}\``,
    keyIndex >= 0 ? sink.at("consumers", decision.consumer, "keySha256", keyIndex) : sink.at("consumers", decision.consumer),
  );
  if (decision.route === null) {
    sink.step("route", `no route matches \`${input.model}\` → 404 model_not_found`, null);
    return refused("rejected: 404 model_not_found", 404, "model_not_found");
  }
  explainRoute(plan, input.model, decision.route, sink);
  const model = plan.models[decision.model ?? -1];
  sink.step("model", `model \`${model?.name ?? "?"}\``, sink.at("models", decision.model ?? -1));
  if (decision.outcome === "rejected" || model === undefined) {
    sink.step("access", `consumer \`${consumer.name}\` may not use model \`${model?.name ?? "?"}\` → 403 model_not_allowed`, sink.at("consumers", decision.consumer));
    return refused("rejected: 403 model_not_allowed", 403, "model_not_allowed");
  }
  sink.step("access", `consumer \`${consumer.name}\` may use model \`${model.name}\``, sink.at("consumers", decision.consumer, "allowedModels", decision.model));
  const admission = explainAdmission(
    plan,
    {
      consumer: decision.consumer,
      model: decision.model,
      route: decision.route.route,
      body: input.body ?? {},
      headers: input.headers,
      keyDigest: keyDigestOf(plan, input.caller, decision.consumer),
    },
    sink,
  );
  if (admission.kind === "refused")
    return refused(`rejected: ${admission.status} ${admission.code} (quota \`${plan.quotas?.[admission.quota]?.name ?? "?"}\`)`, admission.status, admission.code);
  const served = admission.model;
  if (served !== decision.model) sink.step("model", `model \`${plan.models[served]?.name ?? "?"}\` (downgraded by a quota)`, sink.at("models", served));
  const run = explainAttempts(plan, served, sink, input.failures ?? null, input.body?.stream === true);
  const worst = planWorstCases(plan)[served];
  const bound =
    worst === undefined
      ? ""
      : `; worst case ${worst.attempts} ${worst.attempts === 1 ? "attempt" : "attempts"}, ${formatDuration(worst.latencyMs)}${worst.costUsd === null ? "" : `, ${formatUsd(worst.costUsd)} at ${worst.assumedTokens.input} + ${worst.assumedTokens.output} tokens per attempt`}`;
  if (run !== null) return { model: input.model, decision, steps, result: `${runResult(plan, run)}${bound}`, served: run.result.kind === "served" };
  return { model: input.model, decision, steps, result: `served${bound}`, served: true };
}

function explainRoute(plan: Plan, requested: string, match: NonNullable<ReturnType<typeof decide>["route"]>, sink: StepSink): void {
  const route = plan.routing.routes[match.route];
  const implicit = route?.name.startsWith(IMPLICIT_ROUTE_PREFIX) === true;
  const explicitCount = plan.routing.routes.filter((r) => !r.name.startsWith(IMPLICIT_ROUTE_PREFIX)).length;
  const rule = implicit ? "the model's own exact route, after the explicit ones" : `rule ${match.route + 1} of ${explicitCount}`;
  const how = match.kind === "glob" ? `glob \`${plan.routing.globs[match.glob ?? -1]?.pattern ?? "?"}\`` : match.kind === "guarded" ? "exact name, conditions hold" : "exact name";
  const conditions: ExplainLine[] = (route?.headers ?? []).map((c) => ({
    text: `header \`${c.header}\` ${c.kind === "exact" || c.kind === "regex" ? `${c.kind} \`${c.value}\`` : c.kind}`,
    at: null,
  }));
  if (route?.paths !== undefined) conditions.push({ text: `path ${route.paths.map((p) => `\`${p}\``).join(" or ")}`, at: null });
  if (route?.consumers !== undefined) conditions.push({ text: `consumer ${route.consumers.map((c) => `\`${plan.consumers[c]?.name ?? "?"}\``).join(" or ")}`, at: null });
  if (route?.promptTokens !== undefined)
    conditions.push({
      text: `prompt of ${route.promptTokens.min}${route.promptTokens.max === undefined ? " or more" : `–${route.promptTokens.max}`} tokens (estimated)`,
      at: null,
    });
  if (route?.classifiers !== undefined)
    conditions.push({ text: `content matches ${route.classifiers.map((c) => `\`${plan.routing.classifiers?.names[c] ?? "?"}\``).join(" or ")}`, at: null });
  sink.step("route", `\`${requested}\` → route \`${route?.name ?? "?"}\` (${how}; ${rule})`, sink.at("routing", "routes", match.route), conditions);
}

/** Where a step's line is, for renderers that want it. */
export type { SourceLocation };
