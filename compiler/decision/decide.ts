/**
 * What the gateway decides for one chat request, computed from the plan alone (no
 * network, no secrets): who is calling (401), which route takes the model name (404),
 * whether the caller may use the model (403), then how the first target is picked and
 * in which order the others are tried. The steps and their order are the runtime's
 * (runtime/pipeline/handle-request.ts, chat-completions.ts, chat-call.ts);
 * decide.test.ts checks this module against the runtime's own routing functions.
 */
import { createHash } from "node:crypto";
import type { Plan } from "../../schemas/plan/plan.js";
import { type RequestHeaders, type RouteMatch, matchRoute } from "./match-route.js";

/** Who sends a request. */
export type Caller = { readonly kind: "consumer"; readonly name: string } | { readonly kind: "key-digest"; readonly sha256: string } | { readonly kind: "none" };

/** One request, as far as routing is concerned. */
export interface DecisionRequest {
  readonly model: string;
  readonly caller: Caller;
  /** Header names lower-case (see normalizeHeaders). */
  readonly headers?: RequestHeaders;
  /** The endpoint path (default /v1/chat/completions), for routes that match on it. */
  readonly path?: string;
  /** The request body, for routes on prompt size or content classifiers. */
  readonly body?: Readonly<Record<string, unknown>>;
}

/** The gateway's refusals before any upstream is tried. */
export type RejectionCode = "invalid_api_key" | "model_not_found" | "model_not_allowed";

/** HTTP status of each refusal. */
export const REJECTION_STATUS: Readonly<Record<RejectionCode, 401 | 403 | 404>> = {
  invalid_api_key: 401,
  model_not_found: 404,
  model_not_allowed: 403,
};

/** A target and the share of first attempts it receives. */
export interface TargetShare {
  /** Index into `plan.targets`. */
  readonly target: number;
  /** In [0, 1]; the shares of one model add up to 1. */
  readonly share: number;
}

/** The decision for one request. */
export type Decision =
  | {
      readonly outcome: "rejected";
      readonly code: RejectionCode;
      readonly status: 401 | 403 | 404;
      readonly consumer: number | null;
      readonly route: RouteMatch | null;
      readonly model: number | null;
    }
  | {
      readonly outcome: "routed";
      readonly consumer: number;
      readonly route: RouteMatch;
      readonly model: number;
      /** How the first attempt is picked: by weight, among these. */
      readonly picks: readonly TargetShare[];
    };

/** Decides one request. */
export function decide(plan: Plan, request: DecisionRequest): Decision {
  const consumer = authenticate(plan, request.caller);
  if (consumer === null) return rejected("invalid_api_key", null, null, null);
  const route = matchRoute(plan, request.model, request.headers, {
    consumer,
    ...(request.path !== undefined ? { path: request.path } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  if (route === null) return rejected("model_not_found", consumer, null, null);
  const model = plan.routing.routes[route.route]?.model ?? -1;
  if (plan.consumers[consumer]?.allowedModels[model] !== true) return rejected("model_not_allowed", consumer, route, model);
  return { outcome: "routed", consumer, route, model, picks: pickShares(plan, model) };
}

function rejected(code: RejectionCode, consumer: number | null, route: RouteMatch | null, model: number | null): Decision {
  return { outcome: "rejected", code, status: REJECTION_STATUS[code], consumer, route, model };
}

/** Lower-case hex SHA-256 of an API key, as consumers store it. */
export function keyDigest(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The digest of the API key a caller sends (a caller named by consumer sends its first key), for key-scoped quotas. */
export function keyDigestOf(plan: Plan, caller: Caller, consumer: number): string {
  return caller.kind === "key-digest" ? caller.sha256.toLowerCase() : (plan.consumers[consumer]?.keySha256[0] ?? "");
}

/** The index of the calling consumer, or null (401). */
export function authenticate(plan: Plan, caller: Caller): number | null {
  let index = -1;
  if (caller.kind === "consumer") index = plan.consumers.findIndex((c) => c.name === caller.name);
  else if (caller.kind === "key-digest") {
    const digest = caller.sha256.toLowerCase();
    index = plan.consumers.findIndex((c) => c.keySha256.includes(digest));
  }
  return index === -1 ? null : index;
}

/** The first-attempt share of each weighted target of a model, from its cumulative weights. */
export function pickShares(plan: Plan, model: number): TargetShare[] {
  const m = plan.models[model];
  if (m === undefined) return [];
  const total = m.cumulativeWeights[m.cumulativeWeights.length - 1] ?? 0;
  let previous = 0;
  return m.weighted.map((target, i) => {
    const cumulative = m.cumulativeWeights[i] ?? previous;
    const share = total > 0 ? (cumulative - previous) / total : 0;
    previous = cumulative;
    return { target, share };
  });
}

/** The target one draw in [0, 1) picks: the runtime's `pickWeighted`, on plan indices. */
export function pickTarget(plan: Plan, model: number, random: number): number {
  const m = plan.models[model];
  if (m === undefined) throw new Error(`internal: no model ${model}`);
  const draw = random * (m.cumulativeWeights[m.cumulativeWeights.length - 1] ?? 0);
  for (let i = 0; i < m.cumulativeWeights.length; i++) {
    if (draw < (m.cumulativeWeights[i] ?? 0)) return m.weighted[i] ?? -1;
  }
  return m.weighted[m.weighted.length - 1] ?? -1;
}

/** Every attempt in order after `first` is picked: it, then the compiled order without it. */
export function attemptOrder(plan: Plan, model: number, first: number): number[] {
  return [first, ...(plan.models[model]?.fallbacks ?? []).filter((t) => t !== first)];
}

/** "`gpt-4o-mini` on `openai`". */
export function targetLabel(plan: Plan, target: number): string {
  const t = plan.targets[target];
  const upstream = t === undefined ? undefined : plan.upstreams[t.upstream];
  return `\`${t?.model ?? "?"}\` on \`${upstream?.name ?? "?"}\``;
}
