/**
 * The runtime's decisions, driven offline for the decision conformance table
 * (test/compiler/decision-conformance.test.ts): the runtime's own AttemptPlanner,
 * key picking and health feedback, stepped through the control flow of
 * runtime/pipeline/chat-call.ts (attempt, failure → planner decision, hedge race) on a
 * simulated clock; and quota admission through the runtime's own admitRequest with a
 * captured exchange. Only the loop that moves the clock and the race bookkeeping are
 * written here: every decision is taken by runtime code.
 */
import type { Plan } from "../../schemas/plan/plan.js";
import type { LinkedConsumer, LinkedModel, LinkedPlan, LinkedTarget } from "../../runtime/plan/linked-plan.js";
import { AttemptPlanner } from "../../runtime/reliability/attempt-planner.js";
import { DEFAULT_FALLBACK_MASK } from "../../runtime/reliability/error-mask.js";
import { attemptFailed, attemptSucceeded, pickKey } from "../../runtime/reliability/health-feedback.js";
import type { AttemptRecord, AttemptResult, AttemptRole, AttemptRun, UpstreamScript } from "../../compiler/decision/attempt-engine.js";
import type { ErrorClass } from "../../schemas/plan/constants.js";
import type { RequestRecord } from "../../runtime/base/request-record.js";
import { QuotaService } from "../../runtime/stages/quotas/quota-service.js";
import { PlanQuotas } from "../../runtime/stages/quotas/plan-quotas.js";
import { admitRequest, reservation } from "../../runtime/stages/quotas/admit.js";
import { chatDemand } from "../../runtime/stages/quotas/demand.js";
import type { QuotaTicket } from "../../runtime/stages/quotas/quota-ticket.js";
import { type ActualUsage, settlements } from "../../runtime/stages/quotas/settle.js";
import { estimatePromptTokens } from "../../runtime/canonical/prompt-tokens.js";
import { validateChatRequest, type ChatRequestView } from "../../runtime/canonical/chat-request.js";

/** A chat body as the runtime's validated view (the conformance table's bodies are valid). */
export function chatView(body: Record<string, unknown>): ChatRequestView {
  const checked = validateChatRequest(body);
  if (!checked.ok) throw new Error(checked.message);
  return checked.request;
}

/** Plan target index of every linked target of the plan's models (all upstreams enabled). */
export function targetIndex(plan: Plan, linked: LinkedPlan): Map<LinkedTarget, number> {
  const out = new Map<LinkedTarget, number>();
  plan.models.forEach((m, i) => {
    const lm = linked.models[i]!;
    m.weighted.forEach((t, k) => out.set(lm.weighted[k]!, t));
    m.fallbacks.forEach((t, k) => out.set(lm.fallbacks[k]!, t));
  });
  return out;
}

interface Pending {
  target: LinkedTarget;
  key: number;
  number: number;
  startMs: number;
  endMs: number;
  role: AttemptRole;
  outcome: "answered" | ErrorClass;
  retryAfterMs: number | null;
}

/** Runs one request's attempts with the runtime's planner; `random` is the backoff draw. */
export function runtimeAttempts(
  plan: Plan,
  linked: LinkedPlan,
  model: number,
  first: number,
  script: UpstreamScript,
  options: { stream?: boolean; random?: number; startAt?: number } = {},
): AttemptRun {
  const index = targetIndex(plan, linked);
  const lm: LinkedModel = linked.models[model]!;
  const firstTarget = [...index].find(([, i]) => i === first)![0];
  const base = options.startAt ?? 1_000_000;
  const health = linked.health;
  const planner = new AttemptPlanner(lm, firstTarget, health, base);
  const records: AttemptRecord[] = [];
  let attempts = 0;

  const start = (target: LinkedTarget, role: AttemptRole, atMs: number, rival = false): Pending => {
    const now = base + atMs;
    const key = pickKey(health, target, planner.current === target && !rival ? planner.keySkip : 0, now);
    attempts++;
    if (rival) planner.attempts++;
    else planner.started(target, key);
    const keyIndex = key < 0 ? -1 : key - target.upstream.reliability.keys.first;
    const behaviour = script({ target: index.get(target)!, key: keyIndex, startMs: atMs, number: attempts });
    let limit = Math.max(1, Math.min(target.upstream.timeouts.totalMs, planner.remainingMs(now)));
    const ttft = options.stream === true ? target.upstream.reliability.firstTokenMs : 0;
    if (ttft > 0) limit = Math.min(limit, ttft);
    const pending = { target, key, number: attempts, startMs: atMs, role };
    if (behaviour.kind === "hang" || behaviour.afterMs >= limit) return { ...pending, endMs: atMs + limit, outcome: "timeout", retryAfterMs: null };
    if (behaviour.kind === "answer") return { ...pending, endMs: atMs + behaviour.afterMs, outcome: "answered", retryAfterMs: null };
    return { ...pending, endMs: atMs + behaviour.afterMs, outcome: behaviour.class, retryAfterMs: behaviour.retryAfterMs ?? null };
  };
  const record = (p: Pending, outcome: AttemptRecord["outcome"], endMs: number): void => {
    records.push({
      target: index.get(p.target)!,
      key: p.key < 0 ? -1 : p.key - p.target.upstream.reliability.keys.first,
      startMs: p.startMs,
      number: p.number,
      role: p.role,
      endMs,
      outcome,
    });
  };
  const observe = (p: Pending): void => {
    const now = base + p.endMs;
    if (p.outcome === "answered") attemptSucceeded(health, p.target, p.key, now);
    else attemptFailed(health, p.target, p.key, p.outcome, p.retryAfterMs, now);
    record(p, p.outcome, p.endMs);
  };
  const done = (result: AttemptResult, atMs: number): AttemptRun => ({ attempts: records.sort((a, b) => a.number - b.number), result, elapsedMs: atMs });

  let current = start(firstTarget, "first", 0);
  let rival: Pending | null = null;
  const rel = lm.reliability;
  const hedge = rel?.hedgeDelayMs ?? 0;
  if (hedge > 0 && current.endMs > hedge && !(rel !== null && planner.attempts >= rel.maxAttempts)) {
    const next = planner.nextCandidate(DEFAULT_FALLBACK_MASK, base + hedge);
    if (next !== null) rival = start(next, "hedge", hedge, true);
  }
  for (;;) {
    if (rival !== null) {
      if (rival.endMs < current.endMs) {
        observe(rival);
        if (rival.outcome === "answered") {
          record(current, "abandoned", rival.endMs);
          planner.switchTo(rival.target, rival.key);
          return done({ kind: "served", target: index.get(rival.target)! }, rival.endMs);
        }
        rival = null;
        continue;
      }
      observe(current);
      if (current.outcome === "answered") {
        record(rival, "abandoned", current.endMs);
        return done({ kind: "served", target: index.get(current.target)! }, current.endMs);
      }
      planner.switchTo(rival.target, rival.key);
      current = rival;
      rival = null;
      continue;
    }
    observe(current);
    if (current.outcome === "answered") return done({ kind: "served", target: index.get(current.target)! }, current.endMs);
    const cls = current.outcome;
    const decision = planner.decide(cls, current.retryAfterMs, base + current.endMs, options.random ?? 1);
    switch (decision.action) {
      case "retry":
        current = start(decision.target, decision.rotateKey ? "another-key" : "retry", current.endMs + decision.delayMs);
        break;
      case "next":
        current = start(decision.target, "next", current.endMs);
        break;
      case "degraded":
        return done({ kind: "degraded", status: rel!.degraded!.status, class: cls }, current.endMs);
      case "fail":
        return done({ kind: "failed", reason: decision.reason, class: cls }, current.endMs);
    }
  }
}

/** A linked consumer by plan index. */
export function linkedConsumer(linked: LinkedPlan, plan: Plan, consumer: number): LinkedConsumer {
  const digest = plan.consumers[consumer]!.keySha256[0]!;
  return linked.consumersByKeyHash.get(digest)!;
}

/** One admission as the runtime answers it: the model admitted (after any downgrade), or the refusal's status and quota. */
export type RuntimeAdmission = { kind: "admitted"; model: number; ticket: QuotaTicket | null } | { kind: "refused"; status: number; code: string; message: string };

/** The runtime's quota admission for one plan, with counters kept across calls (shared quotas counted in-process). */
export class RuntimeQuotas {
  readonly #linked: LinkedPlan;
  readonly #plan: Plan;
  readonly #service: QuotaService;
  readonly #quotas: PlanQuotas;
  #now = 0;

  constructor(plan: Plan, linked: LinkedPlan) {
    this.#plan = plan;
    this.#linked = linked;
    this.#service = new QuotaService({ metrics: null, env: {}, ledger: false, clock: () => this.#now });
    this.#quotas = new PlanQuotas(this.#service, linked, { local: this.#service.local, shared: this.#service.local });
  }

  /** The quotas (plan indices) that apply to a consumer on a model. */
  applicable(consumer: number, model: number): number[] {
    const list = this.#quotas.applicable(linkedConsumer(this.#linked, this.#plan, consumer), this.#linked.models[model]!);
    return list.map((q) => this.#quotas.quotas.indexOf(q));
  }

  /** What quota `q` reserves for a chat request on `model`. */
  reservation(q: number, model: number, inputTokens: number, outputTokens: number): number {
    return reservation(this.#quotas.quotas[q]!, inputTokens, outputTokens, { audioSeconds: 0, characters: 0 }, this.#linked.models[model]!);
  }

  /** Admits a chat request at `now` (ms since the epoch); `key` is the API key it sends. */
  async admit(consumer: number, model: number, body: Record<string, unknown>, key: string, headers: Record<string, string>, now: number): Promise<RuntimeAdmission> {
    this.#now = now;
    const record = { quota: null, model: null } as unknown as RequestRecord;
    const admission = await admitRequest(
      this.#service,
      this.#quotas,
      { ...headers, authorization: `Bearer ${key}` },
      linkedConsumer(this.#linked, this.#plan, consumer),
      this.#linked.models[model]!,
      chatDemand(chatView(body)),
      record,
    );
    if (admission.kind === "admitted") return { kind: "admitted", model: admission.model.index, ticket: admission.ticket };
    const { error } = admission;
    return { kind: "refused", status: error.status, code: error.code, message: error.message };
  }

  /** Settles an admitted request as the runtime does when it finishes. */
  settle(ticket: QuotaTicket, used: { served: boolean; inputTokens: number; outputTokens: number; costUsd: number; provider: string | null }, now: number): void {
    const target = used.provider === null ? null : ({ upstream: { name: used.provider } } as unknown as LinkedTarget);
    const actual: ActualUsage = {
      charged: used.served,
      target,
      source: "upstream",
      inputTokens: used.served ? used.inputTokens : 0,
      cachedInputTokens: 0,
      outputTokens: used.served ? used.outputTokens : 0,
      reasoningTokens: 0,
      costUsd: used.served ? used.costUsd : 0,
      audioSeconds: 0,
      characters: 0,
    };
    for (const [store, specs] of settlements(ticket, actual, now)) void store.settle(now, specs);
  }

  /** The runtime's prompt-token estimate of a chat body (what admission reserves). */
  static inputTokens(body: Record<string, unknown>): number {
    return estimatePromptTokens(chatView(body));
  }
}
