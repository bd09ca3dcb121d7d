/**
 * What the gateway does after it picked the first target of a chat request, computed
 * offline from the plan alone: the attempts it makes, in order, when each upstream
 * behaves as a given script says (answers after some time, fails with an error class,
 * or hangs), and how the request ends (served, the degraded answer, or an error).
 *
 * The rules are the runtime's (runtime/reliability/attempt-planner.ts and the attempt
 * loop of runtime/pipeline/chat-call.ts), restated on plan indices:
 *
 * - an attempt runs until its upstream answers or fails, at most `timeouts.total` (and
 *   no longer than what is left of the model's deadline), and for streams at most
 *   `timeouts.firstToken` before the first token: running out is a `timeout`;
 * - after a failure, in this order: the budget (`maxAttempts`) and the deadline end the
 *   request; a rate-limited or rejected key moves to another key of the same target
 *   at once; a class in `retry.on` retries the same target after a backoff (or the
 *   upstream's retry-after) while retries are left and the wait fits the deadline;
 *   else the next entry of the attempt order whose conditions name the class (the
 *   picked target and the current one skipped); else the request ends, with the
 *   degraded answer when its `on` names the class;
 * - with `hedge`, when the first attempt has neither answered nor failed after the
 *   hedge delay, the next default-condition entry races it; the first to answer
 *   wins, and a failure of either leaves the other running.
 *
 * Health is assumed good (no ejected endpoint, every key in) unless a `HealthView`
 * says otherwise. test/compiler/decision-conformance.test.ts runs one table of cases
 * through this engine and through the runtime's planner, so the two cannot drift.
 */
import type { Plan } from "../../schemas/plan/plan.js";
import { DEFAULT_FALLBACK_ON, type ErrorClass } from "../../schemas/plan/constants.js";

/** What an upstream does with one attempt; the engine applies the gateway's timeouts to it. */
export type UpstreamBehaviour =
  | { readonly kind: "answer"; readonly afterMs: number }
  | { readonly kind: "error"; readonly class: ErrorClass; readonly afterMs: number; readonly retryAfterMs?: number | null }
  | { readonly kind: "hang" };

/** One attempt the engine is about to make. */
export interface AttemptQuery {
  /** Index into `plan.targets`. */
  readonly target: number;
  /** Index of the API key within the upstream's `apiKeys`, or -1 when it has none. */
  readonly key: number;
  /** Milliseconds since the request started. */
  readonly startMs: number;
  /** 1 for the first attempt of the request. */
  readonly number: number;
}

/** The script: how the upstream of each attempt behaves. */
export type UpstreamScript = (attempt: AttemptQuery) => UpstreamBehaviour;

/** Why an attempt was made. */
export type AttemptRole = "first" | "retry" | "another-key" | "next" | "hedge";

/** One attempt the gateway made. */
export interface AttemptRecord extends AttemptQuery {
  readonly role: AttemptRole;
  readonly endMs: number;
  /** `answered`, the class it failed with, or `abandoned` (it lost a hedge race). */
  readonly outcome: "answered" | "abandoned" | ErrorClass;
}

/** How the request ends. */
export type AttemptResult =
  | { readonly kind: "served"; readonly target: number }
  | { readonly kind: "degraded"; readonly status: number; readonly class: ErrorClass }
  | { readonly kind: "failed"; readonly reason: "exhausted" | "budget" | "deadline" | "not-retryable"; readonly class: ErrorClass };

/** The whole run: every attempt in start order, the result, and when it was known. */
export interface AttemptRun {
  readonly attempts: readonly AttemptRecord[];
  readonly result: AttemptResult;
  readonly elapsedMs: number;
}

/** Endpoint and key health, for callers that keep it across requests (simulate); absent: all healthy. */
export interface HealthView {
  /** Whether the upstream's endpoint admits traffic at `atMs` (request time). */
  admits(upstream: number, atMs: number): boolean;
  /** Whether the key (index within the upstream) is in at `atMs`. */
  keyIn(upstream: number, key: number, atMs: number): boolean;
  /** An attempt's outcome, for the health state to learn from. */
  observe(upstream: number, key: number, outcome: "answered" | ErrorClass, retryAfterMs: number | null, atMs: number): void;
}

/** Options of a run. */
export interface EngineOptions {
  /** A streamed request (first-token timeouts apply). Default false. */
  readonly stream?: boolean;
  /** Draws in [0, 1) for retry backoff; default 1 (the longest backoff, for worst cases). */
  readonly random?: () => number;
  readonly health?: HealthView;
  /** Absolute time of the request start, given to the health view (default 0). */
  readonly startAt?: number;
}

/** Classes whose failure counts against an endpoint (it failed, not the request or the key). */
export const ENDPOINT_FAILURES: readonly ErrorClass[] = ["overloaded", "server", "timeout", "connect", "interrupted"];

/** The backoff before retry number `retry` (1-based), or -1 when a retry-after exceeds the ceiling (runtime/reliability/backoff.ts). */
export function retryDelayMs(rel: { backoffBaseMs: number; backoffMaxMs: number; maxRetryAfterMs: number }, retry: number, retryAfterMs: number | null, random: number): number {
  if (retryAfterMs !== null) return retryAfterMs > rel.maxRetryAfterMs ? -1 : retryAfterMs;
  const ceiling = Math.min(rel.backoffMaxMs, rel.backoffBaseMs * 2 ** (retry - 1));
  return Math.floor(random * ceiling);
}

/** The classes after which entry `i` of a model's attempt order may be tried. */
export function entryConditions(plan: Plan, model: number, i: number): readonly ErrorClass[] {
  return plan.models[model]?.fallbackOn?.[i] ?? DEFAULT_FALLBACK_ON;
}

interface Pending {
  readonly query: AttemptQuery;
  readonly role: AttemptRole;
  /** When the upstream's answer or failure (or the gateway's timeout) happens. */
  readonly endMs: number;
  readonly outcome: "answered" | ErrorClass;
  readonly retryAfterMs: number | null;
}

/** Runs the attempts of one request to `model` whose weighted pick was `first`. */
export function runAttempts(plan: Plan, model: number, first: number, script: UpstreamScript, options: EngineOptions = {}): AttemptRun {
  return new AttemptLoop(plan, model, first, script, options).run();
}

class AttemptLoop {
  readonly #plan: Plan;
  readonly #model: number;
  readonly #first: number;
  readonly #script: UpstreamScript;
  readonly #stream: boolean;
  readonly #random: () => number;
  readonly #health: HealthView | null;
  readonly #startAt: number;
  readonly #records: AttemptRecord[] = [];
  #attempts = 0;
  #retries = 0;
  #cursor = 0;
  #current: number;
  /** Keys of the current target this request tried (indices within its upstream). */
  #tried = new Set<number>();

  constructor(plan: Plan, model: number, first: number, script: UpstreamScript, options: EngineOptions) {
    this.#plan = plan;
    this.#model = model;
    this.#first = first;
    this.#current = first;
    this.#script = script;
    this.#stream = options.stream === true;
    this.#random = options.random ?? (() => 1);
    this.#health = options.health ?? null;
    this.#startAt = options.startAt ?? 0;
  }

  run(): AttemptRun {
    let target = this.#first;
    // The weighted pick is ejected: the next healthy candidate instead (or it, when all are).
    if (this.#health !== null && !this.#admits(target, 0, 2)) target = this.#nextCandidate(null, 0) ?? target;
    let current = this.#start(target, "first", 0);
    const hedgeDelay = this.#rel?.hedgeDelayMs ?? 0;
    let rival: Pending | null = null;
    if (hedgeDelay > 0 && current.endMs > hedgeDelay && (this.#rel === undefined || this.#attempts < this.#rel.maxAttempts)) {
      const next = this.#nextCandidate(null, hedgeDelay);
      if (next !== null) rival = this.#start(next, "hedge", hedgeDelay, false);
    }
    for (;;) {
      if (rival !== null) {
        // Whichever event comes first decides; ties go to the attempt that started first.
        if (rival.endMs < current.endMs) {
          this.#end(rival);
          if (rival.outcome === "answered") {
            this.#abandon(current, rival.endMs);
            this.#switchTo(rival.query);
            return this.#done({ kind: "served", target: rival.query.target }, rival.endMs);
          }
          rival = null;
          continue;
        }
        this.#end(current);
        if (current.outcome === "answered") {
          this.#abandon(rival, current.endMs);
          return this.#done({ kind: "served", target: current.query.target }, current.endMs);
        }
        // The hedge carries on as the current attempt.
        this.#switchTo(rival.query);
        current = rival;
        rival = null;
        continue;
      }
      this.#end(current);
      if (current.outcome === "answered") return this.#done({ kind: "served", target: current.query.target }, current.endMs);
      const next = this.#decide(current.outcome, current.retryAfterMs, current.endMs);
      if (next.kind === "end") return this.#done(next.result, current.endMs);
      current = this.#start(next.target, next.role, current.endMs + next.delayMs);
    }
  }

  get #rel(): Plan["models"][number]["reliability"] {
    return this.#plan.models[this.#model]?.reliability;
  }

  #upstreamOf(target: number): number {
    return this.#plan.targets[target]?.upstream ?? -1;
  }

  /** Starts an attempt: picks the key, asks the script, applies the timeouts. */
  #start(target: number, role: AttemptRole, atMs: number, counts = true): Pending {
    if (counts && target !== this.#current) {
      this.#current = target;
      this.#retries = 0;
      this.#tried = new Set();
    }
    const key = this.#pickKey(target, counts ? this.#tried : new Set(), atMs);
    this.#attempts++;
    if (counts && key >= 0) this.#tried.add(key);
    const query: AttemptQuery = { target, key, startMs: atMs, number: this.#attempts };
    const behaviour = this.#script(query);
    const upstream = this.#plan.upstreams[this.#upstreamOf(target)];
    const total = upstream?.timeouts.totalMs ?? Infinity;
    const deadline = this.#rel?.deadlineMs ?? null;
    const left = deadline === null ? Infinity : deadline - atMs;
    let limit = Math.max(1, Math.min(total, left));
    const firstToken = this.#stream ? (upstream?.timeouts.firstTokenMs ?? 0) : 0;
    if (firstToken > 0) limit = Math.min(limit, firstToken);
    if (behaviour.kind === "hang" || behaviour.afterMs >= limit) return { query, role, endMs: atMs + limit, outcome: "timeout", retryAfterMs: null };
    if (behaviour.kind === "answer") return { query, role, endMs: atMs + behaviour.afterMs, outcome: "answered", retryAfterMs: null };
    return { query, role, endMs: atMs + behaviour.afterMs, outcome: behaviour.class, retryAfterMs: behaviour.retryAfterMs ?? null };
  }

  /** The key an attempt on `target` uses: the first untried key that is in (any key when all are out), -1 without keys. */
  #pickKey(target: number, tried: ReadonlySet<number>, atMs: number): number {
    const u = this.#upstreamOf(target);
    const upstream = this.#plan.upstreams[u];
    const count = upstream?.apiKeys.length ?? 0;
    if (count === 0) return -1;
    if (count === 1) return 0;
    let soonest = -1;
    for (let k = 0; k < count; k++) {
      if (tried.has(k)) continue;
      if (!this.#keyIn(u, k, atMs)) {
        if (soonest < 0) soonest = k;
        continue;
      }
      if ((upstream?.keyWeights?.[k] ?? 1) > 0) return k;
    }
    return soonest;
  }

  #keyIn(upstream: number, key: number, atMs: number): boolean {
    return this.#health === null || this.#health.keyIn(upstream, key, this.#startAt + atMs);
  }

  /** Whether the target's endpoint admits traffic and (with at least `minKeys` keys) has a key that is in. */
  #admits(target: number, atMs: number, minKeys = 1): boolean {
    const u = this.#upstreamOf(target);
    if (this.#health === null) return true;
    const count = this.#plan.upstreams[u]?.apiKeys.length ?? 0;
    const allKeysOut = count >= minKeys && count > 0 && Array.from({ length: count }, (_, k) => k).every((k) => !this.#keyIn(u, k, atMs));
    return this.#health.admits(u, this.#startAt + atMs) && !allKeysOut;
  }

  #end(p: Pending): void {
    this.#records.push({ ...p.query, role: p.role, endMs: p.endMs, outcome: p.outcome });
    this.#health?.observe(this.#upstreamOf(p.query.target), p.query.key, p.outcome, p.retryAfterMs, this.#startAt + p.endMs);
  }

  #abandon(p: Pending, atMs: number): void {
    this.#records.push({ ...p.query, role: p.role, endMs: atMs, outcome: "abandoned" });
  }

  #switchTo(query: AttemptQuery): void {
    this.#current = query.target;
    this.#retries = 0;
    this.#tried = new Set(query.key >= 0 ? [query.key] : []);
  }

  #done(result: AttemptResult, atMs: number): AttemptRun {
    const records = [...this.#records].sort((a, b) => a.number - b.number);
    return { attempts: records, result, elapsedMs: atMs };
  }

  /** The planner's decision after the current attempt failed with `cls` at `nowMs`. */
  #decide(
    cls: ErrorClass,
    retryAfterMs: number | null,
    nowMs: number,
  ): { kind: "end"; result: AttemptResult } | { kind: "go"; target: number; role: AttemptRole; delayMs: number } {
    const rel = this.#rel;
    const terminal = (reason: "exhausted" | "budget" | "deadline" | "not-retryable"): { kind: "end"; result: AttemptResult } => ({
      kind: "end",
      result: rel?.degraded != null && rel.degraded.on.includes(cls) ? { kind: "degraded", status: rel.degraded.status, class: cls } : { kind: "failed", reason, class: cls },
    });
    if (rel !== undefined && this.#attempts >= rel.maxAttempts) return terminal("budget");
    const left = rel?.deadlineMs == null ? Infinity : rel.deadlineMs - nowMs;
    if (left <= 0) return terminal("deadline");
    const target = this.#current;
    const u = this.#upstreamOf(target);
    const keys = this.#plan.upstreams[u]?.apiKeys.length ?? 0;
    if ((cls === "rate_limited" || cls === "auth") && keys > 1 && this.#hasUsableKey(u, nowMs)) return { kind: "go", target, role: "another-key", delayMs: 0 };
    if (rel !== undefined && this.#retries < rel.retries && rel.retryOn.includes(cls)) {
      const delay = retryDelayMs(rel, this.#retries + 1, retryAfterMs, this.#random());
      if (delay >= 0 && delay < left) {
        this.#retries++;
        return { kind: "go", target, role: "retry", delayMs: delay };
      }
    }
    const next = this.#nextCandidate(cls, nowMs);
    if (next !== null) return { kind: "go", target: next, role: "next", delayMs: 0 };
    return terminal(this.#anyEntryFor(cls) ? "exhausted" : "not-retryable");
  }

  #hasUsableKey(upstream: number, atMs: number): boolean {
    const weights = this.#plan.upstreams[upstream]?.keyWeights;
    const count = this.#plan.upstreams[upstream]?.apiKeys.length ?? 0;
    for (let k = 0; k < count; k++) if (!this.#tried.has(k) && this.#keyIn(upstream, k, atMs) && (weights?.[k] ?? 1) > 0) return true;
    return false;
  }

  /**
   * The next untried entry of the attempt order tried after a failure of class `cls`
   * (null: a hedge, which takes entries with the default conditions), preferring
   * admitted ones (the first of them when none is: "panic"); advances past it.
   */
  #nextCandidate(cls: ErrorClass | null, atMs: number): number | null {
    const order = this.#plan.models[this.#model]?.fallbacks ?? [];
    let panic = -1;
    for (let i = this.#cursor; i < order.length; i++) {
      const t = order[i]!;
      if (t === this.#first || t === this.#current) continue;
      const on = entryConditions(this.#plan, this.#model, i);
      const admitsClass = cls === null ? on.some((c) => DEFAULT_FALLBACK_ON.includes(c)) : on.includes(cls);
      if (!admitsClass) continue;
      if (!this.#admits(t, atMs)) {
        if (panic < 0) panic = i;
        continue;
      }
      this.#cursor = i + 1;
      return t;
    }
    if (panic < 0) return null;
    this.#cursor = panic + 1;
    return order[panic]!;
  }

  #anyEntryFor(cls: ErrorClass): boolean {
    const on = this.#plan.models[this.#model]?.fallbackOn;
    if (on === undefined) return DEFAULT_FALLBACK_ON.includes(cls);
    return on.some((classes) => classes.includes(cls));
  }
}
