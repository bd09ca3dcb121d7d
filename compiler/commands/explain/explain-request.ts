/**
 * The decision path of one request, step by step, each step with the policy line that
 * decided it (from the plan's source map): authentication, route, model, access, how
 * the first target is picked, the attempt order after a failure, and the timeouts of
 * each attempt. Pure: plan + source map + request → steps.
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import { formatDuration } from "../../analysis/format.js";
import { type Caller, type Decision, decide, pickShares, targetLabel } from "../../decision/decide.js";
import type { RequestHeaders } from "../../decision/match-route.js";
import { percent } from "../../policy-tests/evaluate-test.js";
import { IMPLICIT_ROUTE_PREFIX } from "../../passes/resolve-refs.js";
import { type PlanSourceMap, type SourceLocation, pointer } from "../../sourcemap/plan-source-map.js";

/** One line of the explanation, and where the policy says so. */
export interface ExplainLine {
  readonly text: string;
  readonly at: SourceLocation | null;
}

/** One step: its headline, and detail lines (targets, attempts, timeouts). */
export interface ExplainStep {
  readonly step: "auth" | "route" | "model" | "access" | "pick" | "attempts" | "timeouts";
  readonly line: ExplainLine;
  readonly details: readonly ExplainLine[];
}

/** The whole explanation. */
export interface Explanation {
  readonly model: string;
  readonly decision: Decision;
  readonly steps: readonly ExplainStep[];
  /** "served by …, at most 4 attempts" or "rejected: 403 model_not_allowed". */
  readonly result: string;
}

/** The request to explain. `callerLabel` says how the caller was given, without any secret. */
export interface ExplainInput {
  readonly model: string;
  readonly caller: Caller;
  readonly callerLabel: string;
  readonly headers: RequestHeaders;
  /** The request body, for routes on prompt size and content. */
  readonly body?: Readonly<Record<string, unknown>>;
}

/** Explains one request against `plan`. */
export function explainRequest(plan: Plan, sourceMap: PlanSourceMap | null, input: ExplainInput): Explanation {
  const at = (...path: (string | number)[]): SourceLocation | null => sourceMap?.mappings[pointer(...path)] ?? null;
  const decision = decide(plan, { model: input.model, caller: input.caller, headers: input.headers, ...(input.body !== undefined ? { body: input.body } : {}) });
  const steps: ExplainStep[] = [];
  const step = (name: ExplainStep["step"], text: string, where: SourceLocation | null, details: ExplainLine[] = []): void => {
    steps.push({ step: name, line: { text, at: where }, details });
  };

  const consumer = decision.consumer === null ? undefined : plan.consumers[decision.consumer];
  if (consumer === undefined || decision.consumer === null) {
    const why = input.caller.kind === "none" ? "" : input.caller.kind === "consumer" ? ": no consumer has that name" : ": no consumer has this key";
    step("auth", `${input.callerLabel}${why} → 401 invalid_api_key`, null);
    return { model: input.model, decision, steps, result: "rejected: 401 invalid_api_key" };
  }
  const keyIndex = input.caller.kind === "key-digest" ? consumer.keySha256.indexOf(input.caller.sha256.toLowerCase()) : -1;
  step(
    "auth",
    `${input.callerLabel} → consumer \`${consumer.name}\``,
    keyIndex >= 0 ? at("consumers", decision.consumer, "keySha256", keyIndex) : at("consumers", decision.consumer),
  );

  if (decision.route === null) {
    step("route", `no route matches \`${input.model}\` → 404 model_not_found`, null);
    return { model: input.model, decision, steps, result: "rejected: 404 model_not_found" };
  }
  const route = plan.routing.routes[decision.route.route];
  const implicit = route?.name.startsWith(IMPLICIT_ROUTE_PREFIX) === true;
  const explicitCount = plan.routing.routes.filter((r) => !r.name.startsWith(IMPLICIT_ROUTE_PREFIX)).length;
  const rule = implicit ? "the model's own exact route, after the explicit ones" : `rule ${decision.route.route + 1} of ${explicitCount}`;
  const how =
    decision.route.kind === "glob"
      ? `glob \`${plan.routing.globs[decision.route.glob ?? -1]?.pattern ?? "?"}\``
      : decision.route.kind === "guarded"
        ? "exact name, header conditions hold"
        : "exact name";
  const conditions = (route?.headers ?? []).map((c) => ({
    text: `header \`${c.header}\` ${c.kind === "exact" || c.kind === "regex" ? `${c.kind} \`${c.value}\`` : c.kind}`,
    at: null,
  }));
  step("route", `\`${input.model}\` → route \`${route?.name ?? "?"}\` (${how}; ${rule})`, at("routing", "routes", decision.route.route), conditions);

  const model = plan.models[decision.model ?? -1];
  step("model", `model \`${model?.name ?? "?"}\``, at("models", decision.model ?? -1));
  if (decision.outcome === "rejected" || model === undefined) {
    step("access", `consumer \`${consumer.name}\` may not use model \`${model?.name ?? "?"}\` → 403 model_not_allowed`, at("consumers", decision.consumer));
    return { model: input.model, decision, steps, result: "rejected: 403 model_not_allowed" };
  }
  step("access", `consumer \`${consumer.name}\` may use model \`${model.name}\``, at("consumers", decision.consumer, "allowedModels", decision.model));

  const m = decision.model;
  const weightedIndex = (target: number): number => model.weighted.indexOf(target);
  step(
    "pick",
    model.weighted.length === 1 ? "first attempt: the only weighted target" : "first attempt: picked by weight",
    null,
    pickShares(plan, m).map((p) => ({ text: `${percent(p.share).padStart(6)}  ${targetLabel(plan, p.target)}`, at: at("models", m, "weighted", weightedIndex(p.target)) })),
  );
  step(
    "attempts",
    "after a failure before the first byte, the others in this order (the picked one skipped), each once",
    null,
    model.fallbacks.map((t, i) => ({ text: `${String(i + 1).padStart(4)}. ${targetLabel(plan, t)}`, at: at("models", m, "fallbacks", i) })),
  );

  const upstreams = [...new Set(model.fallbacks.map((t) => plan.targets[t]?.upstream ?? -1))].filter((u) => u >= 0);
  step(
    "timeouts",
    "per attempt",
    null,
    upstreams.map((u) => timeoutLine(plan, u, at, sourceMap !== null)),
  );
  return { model: input.model, decision, steps, result: `served; at most ${model.fallbacks.length} ${model.fallbacks.length === 1 ? "attempt" : "attempts"}` };
}

/**
 * "`openai`: connect 5s (default), first byte 30s, …". With a source map, a timeout
 * the policy does not write is a default; without one, that cannot be told.
 */
function timeoutLine(plan: Plan, u: number, at: (...path: (string | number)[]) => SourceLocation | null, mapped: boolean): ExplainLine {
  const upstream = plan.upstreams[u];
  if (upstream === undefined) return { text: "?", at: null };
  const fields = [
    ["connect", "connectMs"],
    ["first byte", "firstByteMs"],
    ["idle", "idleMs"],
    ["total", "totalMs"],
  ] as const;
  let written: SourceLocation | null = null;
  const parts = fields.map(([label, key]) => {
    const where = at("upstreams", u, "timeouts", key);
    written ??= where;
    return `${label} ${formatDuration(upstream.timeouts[key])}${where === null && mapped ? " (default)" : ""}`;
  });
  return { text: `\`${upstream.name}\`: ${parts.join(", ")}`, at: written ?? at("upstreams", u) };
}
