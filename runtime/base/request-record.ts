/**
 * What happened to one request, filled in as it proceeds and handed to the observers
 * (metrics, audit) once, when its response ends or the client goes away. A fixed-shape
 * class: every field is assigned in the constructor so all records share one hidden
 * class, and the pipeline only assigns fields: it never formats or exports anything.
 */
import { performance } from "node:perf_hooks";
import type { LinkedModel, LinkedRoute, LinkedTarget } from "../plan/linked-plan.js";
import type { ServedPlan } from "../plan/served-plan.js";
import type { GuardrailReport } from "../stages/guardrails/guardrail-report.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";
import type { ErrorClass } from "../../schemas/plan/constants.js";
import type { Usage } from "./usage.js";
import type { CacheOutcome } from "../ops/metrics/feature-metrics.js";
import type { QuotaTicket } from "../stages/quotas/quota-ticket.js";
import type { ChatRequestView } from "../canonical/chat-request.js";
import { log } from "./log.js";

/** The endpoints requests are counted by (a closed set: metric labels stay bounded). */
export type EndpointLabel = "chat_completions" | "embeddings" | "audio_speech" | "audio_transcriptions" | "models" | "health" | "readiness" | "metrics" | "other";

/** How one upstream attempt ended. */
export type AttemptOutcome = "success" | "4xx" | "5xx" | "timeout" | "connect" | "interrupted" | "aborted";

const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});

/** Status recorded when the client disconnected before the response ended (nginx's convention). */
export const CLIENT_CLOSED = 499;

/** One upstream attempt of a request. */
export class AttemptRecord {
  readonly target: LinkedTarget;
  outcome: AttemptOutcome = "aborted";
  /** The failure's class (schemas/plan/constants.ts), or null when it succeeded or was aborted. */
  errorClass: ErrorClass | null = null;
  /** Milliseconds from dispatch to the outcome; -1 while it runs. */
  ms = -1;
  readonly startedAt: number;
  /** True while this attempt holds an in-flight slot in its target's selection stats. */
  holdsSlot: boolean;

  constructor(target: LinkedTarget, startedAt: number) {
    this.target = target;
    this.startedAt = startedAt;
    this.holdsSlot = target.stats != null;
  }
}

/** Receives every finished request. Must not throw and must not block. */
export interface RequestObserver {
  observe(record: RequestRecord): void;
}

export class RequestRecord {
  readonly served: ServedPlan;
  readonly requestId: string;
  readonly endpoint: EndpointLabel;
  /** Wall-clock start (ms since the epoch), for the audit line. */
  readonly time: number;
  /** Monotonic start, for durations. */
  readonly start: number;
  consumer: string | null = null;
  /** The API key as records name it: its policy name, or `sha256:<12 hex>` (never the key). Null without a key. */
  keyName: string | null = null;
  /** Cost-allocation tags of the request (consumer's, key's, allowed request headers'). */
  tags: Readonly<Record<string, string>> = NO_TAGS;
  /** Set when a response that had started was cut before its end: by the upstream, or by a guardrail (billed on what was delivered). */
  cut: "upstream_cut" | "guardrail_stopped" | null = null;
  /** The model name the client sent (untrusted, unbounded: never a metric label). */
  requestedModel: string | null = null;
  /** The route the request matched, or null when none did. */
  route: LinkedRoute | null = null;
  /** The public model the request was routed to, or null when none matched. */
  model: LinkedModel | null = null;
  stream = false;
  status = 0;
  /** Milliseconds to the response's first byte (stream head or whole body), or -1. */
  firstByteMs = -1;
  durationMs = 0;
  attempts: AttemptRecord[] | null = null;
  /** The request body, kept only by reference for an audit content hash. */
  body: Buffer | null = null;
  /** The chat request as sent upstream, by reference until the record finishes: a cut stream without the upstream's usage is billed on its prompt estimate. */
  prompt: ChatRequestView | null = null;
  /**
   * Normalized usage of the attempt that served the request, set by the pipeline
   * before the response ends (also for cut streams: what was produced). Accounting
   * (quota settle, ledger, cost, metrics) reads it in the observers. Null when unknown.
   */
  usage: Usage | null = null;
  /** Characters of generated content relayed (see StreamDecoder.outputChars); for charging when `usage` is null. */
  outputChars = 0;
  /** The client's W3C `traceparent`, read only when traces are on (see tracing/trace-observer.ts). */
  traceparent: string | null = null;
  /** The error class behind each retry of the same target, in order; null when none. */
  retried: ErrorClass[] | null = null;
  /** True when the model's degraded answer was served. */
  degraded = false;
  /** 0: no hedge; 1: a hedge started and the primary answered first; 2: the hedge did. */
  hedge: 0 | 1 | 2 = 0;
  /** What quota admission reserved for this request (settled when it finishes); null when no quota applies. */
  quota: QuotaTicket | null = null;
  /** What the route's guardrails found (names and counts, never text); null when the route has none. */
  guardrails: GuardrailReport | null = null;
  /** How the response cache met the request (null: the route has no cache). */
  cache: CacheOutcome | null = null;
  #observers: readonly RequestObserver[];
  #finished = false;

  constructor(served: ServedPlan, requestId: string, endpoint: EndpointLabel, observers: readonly RequestObserver[]) {
    this.served = served;
    this.requestId = requestId;
    this.endpoint = endpoint;
    this.time = Date.now();
    this.start = performance.now();
    this.#observers = observers;
    served.acquire();
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** The attempt order moved to another target after a failure (retries of the same target excluded). */
  get fallbacks(): number {
    return this.attempts === null ? 0 : this.attempts.length - 1 - (this.retried?.length ?? 0);
  }

  /** The attempt that served (or last tried to serve) the request. */
  get lastAttempt(): AttemptRecord | null {
    return this.attempts?.at(-1) ?? null;
  }

  attemptStarted(target: LinkedTarget): void {
    (this.attempts ??= []).push(new AttemptRecord(target, performance.now()));
    // Load feedback for selection (least-busy, bounded load); null unless a program reads it.
    target.stats?.started();
  }

  attemptEnded(outcome: AttemptOutcome, errorClass: ErrorClass | null = null): void {
    const attempt = this.lastAttempt;
    if (attempt === null || attempt.ms >= 0) return;
    attempt.outcome = outcome;
    attempt.errorClass = errorClass;
    attempt.ms = performance.now() - attempt.startedAt;
    const stats = attempt.target.stats;
    if (stats == null || !attempt.holdsSlot) return;
    attempt.holdsSlot = false;
    // Latency feedback: successes, and timeouts (which must count as slow); fast failures are health's business.
    if (outcome === "success" || outcome === "timeout") {
      const ttft = this.firstByteMs >= 0 ? this.firstByteMs - (attempt.startedAt - this.start) : attempt.ms;
      stats.ended(ttft >= 0 ? ttft : attempt.ms, attempt.ms);
    } else stats.released();
  }

  /** Marks the first response byte (called by the observed exchange). */
  firstByte(): void {
    if (this.firstByteMs < 0) this.firstByteMs = performance.now() - this.start;
  }

  /** Ends the record once: hands it to the observers, then releases the plan. */
  finish(status: number): void {
    if (this.#finished) return;
    this.#finished = true;
    this.status = status;
    this.durationMs = performance.now() - this.start;
    // Attempts never ended (client gone, shutdown) still release their in-flight slot.
    if (this.attempts !== null) {
      for (const a of this.attempts) {
        if (!a.holdsSlot) continue;
        a.holdsSlot = false;
        a.target.stats?.released();
      }
    }
    for (const o of this.#observers) {
      try {
        o.observe(this);
      } catch (err) {
        // An observer bug must never break the response path or leak the plan's in-flight count.
        log("error", "request observer failed", { requestId: this.requestId, error: err instanceof Error ? err.message : String(err) });
      }
    }
    this.body = null;
    this.prompt = null;
    this.served.release();
  }
}

/** The outcome label of a failed attempt. */
export function failureOutcome(failure: AttemptFailure): AttemptOutcome {
  // A saturated pool is overload (outcomeOf in pipeline/provider-failure.ts agrees).
  if (failure.kind === "saturated") return "5xx";
  if (failure.kind !== "status") return failure.kind;
  return failure.status >= 500 ? "5xx" : "4xx";
}
