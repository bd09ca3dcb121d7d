/**
 * The steps between access and the first attempt, in the runtime's order: prompts and
 * templates, the route's guardrails (input checks, limits, moderation; output checks),
 * cache and memory, then quotas: which apply to this consumer on this model, what the
 * request reserves on each, and what happens when one is exhausted. Admission runs
 * against empty counters: a request that alone exceeds a quota is refused here.
 */
import type { Plan, PlanRoute } from "../../../schemas/plan/plan.js";
import type { PlanGuardrailChain, PlanGuardrailScan } from "../../../schemas/plan/guardrails.js";
import type { PlanQuota } from "../../../schemas/plan/quota.js";
import { formatCount, formatDuration, formatUsd } from "../../analysis/format.js";
import { type Admission, QuotaCounters, applicableQuotas, reservationAmount } from "../../decision/quota-admission.js";
import { estimateTokens } from "../../decision/route-extras.js";
import { type ExplainLine, type StepSink, listText } from "./explain-steps.js";

/** What admission needs to know about the request. */
export interface AdmissionRequest {
  readonly consumer: number;
  readonly model: number;
  readonly route: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly keyDigest: string;
}

/** Adds the prompts, guardrails, cache and quota steps; returns the quota admission. */
export function explainAdmission(plan: Plan, request: AdmissionRequest, sink: StepSink): Admission {
  const route = plan.routing.routes[request.route];
  explainPrompts(plan, route, sink);
  explainGuardrails(plan, request.route, sink);
  explainCache(route, sink);
  return explainQuotas(plan, request, sink);
}

function explainPrompts(plan: Plan, route: PlanRoute | undefined, sink: StepSink): void {
  const p = route?.prompts;
  if (p === undefined) return;
  const parts = [
    p.prepend.length > 0 ? `${p.prepend.length} message(s) put before the client's` : "",
    p.append.length > 0 ? `${p.append.length} after` : "",
    p.templates === undefined
      ? (plan.templates?.length ?? 0) > 0
        ? "every template accepted"
        : ""
      : `templates ${listText(p.templates.map((t) => `\`${plan.templates?.[t]?.name ?? "?"}\``))} accepted`,
  ].filter((x) => x !== "");
  sink.step("prompts", parts.join("; "), null);
}

function explainGuardrails(plan: Plan, route: number, sink: StepSink): void {
  const c = plan.guardrails?.routes[route] ?? null;
  const chain = c === null ? undefined : plan.guardrails?.chains[c];
  if (chain === undefined || c === null) {
    sink.step("guardrails", "none on this route", null);
    return;
  }
  sink.step("guardrails", `\`${chain.name}\``, sink.at("guardrails", "chains", c), chainLines(plan, chain));
}

/** Every check of a guardrail chain, one line per direction and kind. */
export function chainLines(plan: Plan, chain: PlanGuardrailChain): ExplainLine[] {
  const lines: string[] = [];
  if (chain.maxMessages !== null) lines.push(`at most ${formatCount(chain.maxMessages.limit)} messages (else 400)`);
  if (chain.maxPromptTokens !== null) lines.push(`at most ${formatCount(chain.maxPromptTokens.limit)} prompt tokens (else 400)`);
  if (chain.input !== null) lines.push(...scanLines("input", chain.input));
  if (chain.output !== null) lines.push(...scanLines("output", chain.output));
  const m = chain.moderation;
  if (m !== null) {
    const categories = m.categories === null ? "flagged" : `flagged for ${listText(m.categories)}`;
    lines.push(
      `moderation by \`${plan.upstreams[m.upstream]?.name ?? "?"}\` (${m.model}, ${formatDuration(m.timeoutMs)}${m.parallel ? ", alongside the request" : ""}): ${categories} → ${m.action}; on error: ${m.onError === "open" ? "let through" : "refuse"}`,
    );
  }
  return lines.map((text) => ({ text, at: null }));
}

function scanLines(direction: "input" | "output", scan: PlanGuardrailScan): string[] {
  const out: string[] = [];
  if (scan.pii.length > 0) out.push(`${direction} PII: ${scan.pii.map((r) => `${r.detector} → ${r.action}`).join(", ")}`);
  const terms = scan.terms.flatMap((g) => g.terms);
  if (terms.length > 0) out.push(`${direction} deny terms: ${formatCount(terms.length)} (${actionCounts(terms.map((t) => t.action))})`);
  if (scan.deny.length > 0) out.push(`${direction} deny patterns: ${formatCount(scan.deny.length)} (${actionCounts(scan.deny.map((d) => d.action))})`);
  if (scan.allow.length > 0) out.push(`${direction} allowed patterns (exempt from the checks above): ${formatCount(scan.allow.length)}`);
  if (scan.injection !== null) out.push(`${direction} prompt injection: score ≥ ${scan.injection.threshold} → ${scan.injection.action}`);
  return out;
}

function actionCounts(actions: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const a of actions) counts.set(a, (counts.get(a) ?? 0) + 1);
  return [...counts].map(([a, n]) => `${a} ${n}`).join(", ");
}

function explainCache(route: PlanRoute | undefined, sink: StepSink): void {
  const parts: string[] = [];
  if (route?.cache?.exact != null) parts.push(`exact answers cached for ${formatDuration(route.cache.exact.ttlMs)}`);
  if (route?.cache?.semantic != null) parts.push(`similar prompts (≥ ${route.cache.semantic.threshold}) answered from the cache`);
  if (route?.memory !== undefined) parts.push(`conversation memory (${route.memory.maxTurns} turns)`);
  if (parts.length > 0) sink.step("cache", parts.join("; "), null);
}

const UNIT: Readonly<Record<PlanQuota["unit"], string>> = {
  requests: "requests",
  tokens: "tokens",
  "input-tokens": "input tokens",
  "output-tokens": "output tokens",
  usd: "USD",
  "audio-seconds": "seconds of audio",
  characters: "characters",
};

function amount(q: PlanQuota, value: number): string {
  if (q.unit === "usd") return formatUsd(value);
  const n = Math.ceil(value);
  return `${formatCount(n)} ${n === 1 ? UNIT[q.unit].replace(/s$/, "") : UNIT[q.unit]}`;
}

function explainQuotas(plan: Plan, request: AdmissionRequest, sink: StepSink): Admission {
  const applicable = applicableQuotas(plan, request.consumer, request.model);
  const maxTokens = outputLimit(request.body);
  const inputTokens = estimateTokens(request.body);
  const admission = new QuotaCounters(plan).admit(
    request.consumer,
    request.model,
    { inputTokens, maxOutputTokens: maxTokens, keyDigest: request.keyDigest, headers: request.headers },
    Date.UTC(2025, 0, 1),
  );
  if (applicable.length === 0) {
    sink.step("quotas", "none applies", null);
    return admission;
  }
  const details = applicable.map((qi): ExplainLine => {
    const q = plan.quotas![qi]!;
    const scope = q.scope === "global" ? "for everyone together" : q.scope === "header" ? `per value of \`${q.header}\`` : `per ${q.scope}`;
    const window = q.burst === null ? `per ${q.per}` : `per ${q.per}, bursts up to ${amount(q, q.burst)}`;
    const reserve = amount(q, reservationAmount(plan, q, request.model, inputTokens, maxTokens ?? q.outputTokens));
    const outputNote =
      q.unit === "tokens" || q.unit === "output-tokens" || q.unit === "usd"
        ? maxTokens === null
          ? ` (no max_tokens: ${formatCount(q.outputTokens)} output tokens assumed)`
          : ""
        : "";
    const exhausted = q.downgrade === null ? "429" : `downgrade to model \`${plan.models[q.downgrade]?.name ?? "?"}\``;
    return {
      text: `\`${q.name}\`: ${amount(q, q.limit)} ${window} ${scope} (${q.consistency}); reserves ${reserve}${outputNote}; when exhausted: ${exhausted}`,
      at: sink.at("quotas", qi),
    };
  });
  const verdict =
    admission.kind === "refused"
      ? `this request alone exceeds \`${plan.quotas?.[admission.quota]?.name ?? "?"}\` → ${admission.status} ${admission.code}`
      : admission.downgrades.length > 0
        ? `this request alone exceeds ${listText(admission.downgrades.map((d) => `\`${plan.quotas?.[d.quota]?.name ?? "?"}\``))}: downgraded to model \`${plan.models[admission.model]?.name ?? "?"}\``
        : `reserved before the first attempt (with the quotas' counters empty, the request fits), settled with the real usage after it`;
  sink.step("quotas", verdict, null, details);
  return admission;
}

function outputLimit(body: Readonly<Record<string, unknown>>): number | null {
  const value = body["max_completion_tokens"] ?? body["max_tokens"];
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : null;
}
