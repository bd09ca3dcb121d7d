/**
 * One chat completion through the gateway: attempts targets in the compiled order
 * until one succeeds, then relays the answer. Every attempt goes through the target's
 * adapter (runtime/adapters/): it builds the upstream request (possibly async, e.g.
 * signed; or refused when the provider cannot serve it), decodes the answer into the
 * canonical OpenAI shape with normalized usage, and classifies failures.
 *
 * The commit point is the first byte written to the client (stream-relay.ts). Before
 * it, a failure whose class allows it (the AttemptPlanner, below) moves on; a target
 * whose adapter refuses the request is skipped. After it (streams only), a failure ends
 * the stream with a `data: {"error":…}` event and no `[DONE]`, so clients see an error,
 * never a clean end. Non-streamed answers are buffered whole, so they never commit
 * half-way.
 *
 * Response stages (output guardrails, cache recorders) see the canonical answer in
 * order; with none (the common case) the decoder's bytes go straight to the client.
 *
 * Reliability (runtime/reliability/): after a failure the AttemptPlanner decides
 * (retry the target after a backoff or with another key, the next target whose
 * conditions name the class, the degraded answer, or the error); every outcome feeds
 * the plan's health state. With a first-token timeout or a hedge (streams), bytes before
 * the first token are held back (first-token-gate.ts), so the request stays uncommitted
 * until a token comes: a late first token then falls back, and a hedge attempt
 * (hedge-race.ts) can race the first one.
 *
 * Hot path: a request whose model has no first-token timeout, hedge or stages, and
 * whose first attempt succeeds, allocates no planner, no gate and (unless streamed) no
 * relay.
 */
import type { ChatRequestContext, UpstreamRequest } from "../adapters/adapter.js";
import type { ProviderError } from "../canonical/provider-error.js";
import type { LinkedTarget } from "../plan/linked-plan.js";
import type { GatewayError } from "../base/errors.js";
import { sendError } from "./respond.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";
import { UpstreamAttempt, type AttemptController, type AttemptOwner } from "../upstream/upstream-attempt.js";
import { log } from "../base/log.js";
import { outcomeOf, streamErrorEvent, transportError } from "./provider-failure.js";
import { sendAnswer, sendBusy, sendProviderError } from "./chat-responses.js";
import type { ResponseStage } from "../stages/response-stage.js";
import { AttemptPlanner } from "../reliability/attempt-planner.js";
import { sendDegraded } from "../reliability/degraded-answer.js";
import { DEFAULT_FALLBACK_MASK } from "../reliability/error-mask.js";
import { attemptFailed, attemptSucceeded, firstTokenTimeoutError, pickKey, targetAdmitted } from "../reliability/health-feedback.js";
import { Contender, endRecord, makeLast } from "./contender.js";
import { FirstTokenGate } from "./first-token-gate.js";
import { dropRival, rivalChunk, SUPERSEDED } from "./hedge-race.js";
import { StreamRelay } from "./stream-relay.js";
import { attemptContext, wantsStreamUsage, type ChatCallInput } from "./chat-call-input.js";

export type { ChatCallInput } from "./chat-call-input.js";

const NO_STAGES: readonly ResponseStage[] = Object.freeze([]);
const CLIENT_GONE = new Error("client disconnected");
const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

function isProviderError(x: UpstreamRequest | ProviderError): x is ProviderError {
  return "class" in x;
}

export class ChatCall implements AttemptOwner {
  readonly streaming: boolean;
  clientGone = false;
  #in: ChatCallInput;
  #stages: readonly ResponseStage[];
  #clientWantsUsage: boolean;
  /** The attempt in flight; callbacks of any other (aborted, superseded) attempt are ignored. */
  #attempt: UpstreamAttempt | null = null;
  /** The current contender (its context, decoder, key, record, gate); kept after its attempt ends, for the outcome. */
  #current: Contender | null = null;
  /** A hedge racing the current attempt before the first token. */
  #rival: Contender | null = null;
  #attempts = 0;
  /** The last adapter refusal, answered when no target could take the request. */
  #refusal: ProviderError | null = null;
  /** The response is over (sent, ended, or the client left): nothing more may happen. */
  #done = false;
  /** Streams only: the client side (commit point, stages, writes). */
  #out: StreamRelay | null;
  /** Created on the first failure (or at start when the model has a deadline or hedges). */
  #planner: AttemptPlanner | null = null;
  #ttftTimer: NodeJS.Timeout | null = null;
  #hedgeTimer: NodeJS.Timeout | null = null;
  #retryTimer: NodeJS.Timeout | null = null;

  constructor(input: ChatCallInput) {
    this.#in = input;
    this.#stages = input.stages ?? NO_STAGES;
    this.streaming = input.stream;
    this.#clientWantsUsage = wantsStreamUsage(input);
    this.#out = input.stream ? new StreamRelay(input.exchange, input.requestId, this.#stages, this) : null;
    input.record.stream = input.stream;
    input.record.body = input.rawBody;
    input.exchange.onAbort(() => {
      this.clientGone = true;
      this.#done = true;
      this.#noteOutput();
      this.#clearTimers();
      this.#attempt?.abort(CLIENT_GONE);
      this.#rival?.attempt.abort(CLIENT_GONE);
    });
  }

  /** Implements {@link RelaySource.upstreamController}: the attempt being relayed. */
  get upstreamController(): AttemptController | null {
    return this.#attempt?.controller ?? null;
  }

  get #committed(): boolean {
    return this.#out !== null && this.#out.committed;
  }

  start(): void {
    const rel = this.#in.model.reliability;
    let first = this.#in.first;
    const admitted = targetAdmitted(this.#in.health, first, performance.now());
    if ((rel !== null && (rel.deadlineMs > 0 || rel.hedgeDelayMs > 0)) || !admitted) {
      const planner = this.#plannerOf();
      // The weighted pick is ejected: the next healthy candidate instead (or it, when all are).
      if (!admitted) first = planner.nextCandidate(DEFAULT_FALLBACK_MASK, performance.now()) ?? first;
    }
    this.#tryTarget(first);
  }

  /** The planner, created on first use; a late one learns the attempts already made. */
  #plannerOf(): AttemptPlanner {
    if (this.#planner !== null) return this.#planner;
    const planner = new AttemptPlanner(this.#in.model, this.#in.first, this.#in.health, performance.now());
    const current = this.#current;
    if (current !== null) {
      planner.started(current.ctx.target, current.key);
      planner.attempts = this.#attempts;
    }
    return (this.#planner = planner);
  }

  #nextTarget(): LinkedTarget | null {
    return this.#plannerOf().nextCandidate(-1, performance.now());
  }

  #tryTarget(target: LinkedTarget, rival = false): void {
    const limiter = target.upstream.limiter;
    if (limiter === null) {
      this.#build(target, rival, null);
      return;
    }
    limiter.acquire((refusal) => {
      if (refusal !== null) return rival ? undefined : this.#busy(target, limiter.settings.queueTimeoutMs);
      if (this.#done) return limiter.release();
      this.#build(target, rival, limiter);
    });
  }

  /** The target's concurrency limit refused the request: the next target, else 503 with `retry-after`. */
  #busy(target: LinkedTarget, queueTimeoutMs: number): void {
    if (this.#done) return;
    const next = this.#nextTarget();
    if (next !== null) {
      this.#tryTarget(next);
      return;
    }
    this.#done = true;
    this.#noteOutput();
    sendBusy(this.#in.exchange, this.#in.requestId, target.upstream.name, queueTimeoutMs);
  }

  /** Builds the upstream request for a target; `slot` is its concurrency slot, given back if no attempt takes it. */
  #build(target: LinkedTarget, rival: boolean, slot: { release(): void } | null): void {
    const input = this.#in;
    const planner = this.#planner;
    const keySlot = pickKey(input.health, target, planner !== null && planner.current === target ? planner.keySkip : 0, performance.now());
    const ctx = attemptContext(input, target, keySlot, this.#clientWantsUsage);
    let built: UpstreamRequest | Promise<UpstreamRequest> | ProviderError;
    try {
      built = target.upstream.adapter.buildChatRequest(ctx);
    } catch (err) {
      slot?.release();
      this.#internalError(err);
      return;
    }
    if (built instanceof Promise) {
      built.then(
        (request) => this.#dispatch(ctx, request, keySlot, rival, slot),
        (err: unknown) => {
          slot?.release();
          this.#internalError(err);
        },
      );
    } else {
      this.#dispatch(ctx, built, keySlot, rival, slot);
    }
  }

  #dispatch(ctx: ChatRequestContext, request: UpstreamRequest | ProviderError, keySlot: number, rival: boolean, slot: { release(): void } | null = null): void {
    // A slot no attempt takes goes back at once.
    if (slot !== null && (this.#done || isProviderError(request) || (rival && !this.#racing()))) {
      slot.release();
      slot = null;
    }
    if (this.#done) return;
    if (rival) return this.#dispatchRival(ctx, request, keySlot, slot);
    if (isProviderError(request)) {
      // This target cannot serve the request (e.g. no tools): another one may.
      this.#refusal = request;
      const next = this.#nextTarget();
      if (next !== null) this.#tryTarget(next);
      else this.#respondWithError(request);
      return;
    }
    const upstream = ctx.target.upstream;
    this.#attempts++;
    const now = performance.now();
    const planner = this.#planner;
    planner?.started(ctx.target, keySlot);
    this.#in.health.breakers.attemptStarted(upstream.reliability.slot, now);
    const left = planner === null ? Infinity : planner.remainingMs(now);
    const attempt = new UpstreamAttempt(this, Math.max(1, Math.min(upstream.timeouts.totalMs, left)));
    attempt.slot = slot;
    const record = this.#in.record;
    record.attemptStarted(ctx.target);
    const decoder = this.streaming ? upstream.adapter.createStreamDecoder(ctx) : null;
    this.#attempt = attempt;
    this.#current = new Contender(attempt, ctx, decoder, keySlot, record.lastAttempt!, this.#watchFirstToken(attempt, ctx));
    // The adapter's request has exactly the fields of undici's dispatch options.
    upstream.pool.dispatch(request, attempt);
  }

  /** Arms the first-token timeout and the hedge of a streamed attempt, when the plan asks for them; returns its gate. */
  #watchFirstToken(attempt: UpstreamAttempt, ctx: ChatRequestContext): FirstTokenGate | null {
    const ttft = this.streaming ? ctx.target.upstream.reliability.firstTokenMs : 0;
    const hedge = this.#attempts === 1 ? (this.#in.model.reliability?.hedgeDelayMs ?? 0) : 0;
    if (this.#committed || (ttft === 0 && hedge === 0)) return null;
    if (ttft > 0) this.#ttftTimer = setTimeout(() => this.#firstTokenLate(attempt), ttft);
    if (hedge > 0) this.#hedgeTimer = setTimeout(() => this.#startHedge(), hedge);
    return this.streaming ? new FirstTokenGate() : null;
  }

  /** The first-token timeout fired: before the commit point a timeout (falls back); after it, an error event. */
  #firstTokenLate(attempt: UpstreamAttempt): void {
    this.#ttftTimer = null;
    if (attempt !== this.#attempt || this.#done) return;
    if (!this.#committed) {
      attempt.abort(firstTokenTimeoutError());
      return;
    }
    this.#noteOutput();
    this.#in.record.attemptEnded("timeout", "timeout");
    this.#attempt = null;
    this.#endStreamWithError({ code: "upstream_timeout", message: "the upstream produced no token in time after the response started" });
    attempt.abort(SUPERSEDED);
  }

  /** Routes an attempt's canonical output: held back until its first token, then relayed. */
  #relay(attempt: UpstreamAttempt, out: Buffer): void {
    const current = this.#current!;
    const gate = current.gate;
    if (gate === null) return this.#emit(attempt, out);
    const token = gate.sees(out);
    if (token) {
      current.gate = null;
      this.#firstTokenSeen();
    }
    // Committed early (a preamble over the limit): still watching, for the first-token timeout only.
    if (this.#committed) return this.#emit(attempt, out);
    gate.hold(out);
    if (!token && !gate.full) return;
    // Committing ends any race: after the first byte the answer cannot change hands.
    if (this.#hedgeTimer !== null) clearTimeout(this.#hedgeTimer);
    this.#hedgeTimer = null;
    this.#dropRival("aborted", null);
    this.#emit(attempt, gate.take());
  }

  /** The current attempt produced its first token: the race (if any) is over. */
  #firstTokenSeen(): void {
    this.#clearRaceTimers();
    if (this.#rival !== null) {
      this.#in.record.hedge = 1;
      this.#dropRival("aborted", null);
    }
  }

  /** True while a hedge may still join: uncommitted and, for streams, before the first token. */
  #racing(): boolean {
    return !this.#committed && !(this.streaming && this.#current?.gate == null);
  }

  /** The hedge delay passed without a first token: the next candidate races the current attempt. */
  #startHedge(): void {
    this.#hedgeTimer = null;
    if (this.#done || this.#rival !== null || !this.#racing()) return;
    const planner = this.#plannerOf();
    const rel = this.#in.model.reliability;
    if (rel !== null && planner.attempts >= rel.maxAttempts) return;
    const next = planner.nextCandidate(DEFAULT_FALLBACK_MASK, performance.now());
    if (next !== null) this.#tryTarget(next, true);
  }

  #dispatchRival(ctx: ChatRequestContext, request: UpstreamRequest | ProviderError, keySlot: number, slot: { release(): void } | null = null): void {
    if (isProviderError(request) || this.#done || !this.#racing()) return;
    const upstream = ctx.target.upstream;
    this.#attempts++;
    this.#planner!.attempts++;
    this.#in.health.breakers.attemptStarted(upstream.reliability.slot, performance.now());
    const attempt = new UpstreamAttempt(this, Math.max(1, Math.min(upstream.timeouts.totalMs, this.#planner!.remainingMs(performance.now()))));
    attempt.slot = slot;
    const record = this.#in.record;
    record.attemptStarted(ctx.target);
    const decoder = this.streaming ? upstream.adapter.createStreamDecoder(ctx) : null;
    this.#rival = new Contender(attempt, ctx, decoder, keySlot, record.lastAttempt!, this.streaming ? new FirstTokenGate() : null);
    upstream.pool.dispatch(request, attempt);
  }

  /** The hedge won: the first attempt is cancelled and the hedge carries on as the current one. */
  #promoteRival(rival: Contender): void {
    const loser = this.#attempt;
    if (this.#current !== null) endRecord(this.#current.rec, "aborted");
    this.#rival = null;
    this.#attempt = rival.attempt;
    this.#current = rival;
    this.#in.record.hedge = 2;
    // The record ends the last attempt: make it the winner's.
    makeLast(this.#in.record, rival.rec);
    this.#clearRaceTimers();
    this.#planner?.switchTo(rival.ctx.target, rival.key);
    loser?.abort(SUPERSEDED);
  }

  /** Ends the hedge attempt's part in the race (if one runs). */
  #dropRival(outcome: Contender["rec"]["outcome"], cls: Contender["rec"]["errorClass"]): void {
    const rival = this.#rival;
    if (rival === null) return;
    this.#rival = null;
    dropRival(this.#in.record, this.#current, rival, outcome, cls);
  }

  /** The hedge attempt failed: it only drops out of the race (its failure still counts for health). */
  #rivalFailed(rival: Contender, cls: ProviderError["class"], retryAfterMs: number | null): void {
    this.#dropRival(outcomeOf({ class: cls, status: 0, message: "", code: null, retryAfterMs }), cls);
    attemptFailed(this.#in.health, rival.ctx.target, rival.key, cls, retryAfterMs, performance.now());
  }

  #clearRaceTimers(): void {
    if (this.#ttftTimer !== null) clearTimeout(this.#ttftTimer);
    if (this.#hedgeTimer !== null) clearTimeout(this.#hedgeTimer);
    this.#ttftTimer = this.#hedgeTimer = null;
  }

  #clearTimers(): void {
    this.#clearRaceTimers();
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  /** Implements {@link AttemptOwner.onStreamChunk}: decodes, runs the stages, relays. */
  onStreamChunk(attempt: UpstreamAttempt, chunk: Buffer): void {
    if (this.#done) return;
    if (attempt !== this.#attempt) {
      const rival = this.#rival;
      if (rival?.attempt !== attempt) return;
      const progress = rivalChunk(rival, chunk);
      if (progress === null) return;
      if ("error" in progress) return this.#rivalFailed(rival, progress.error.class, progress.error.retryAfterMs);
      this.#promoteRival(rival);
      return this.#emit(rival.attempt, progress);
    }
    const decoder = this.#current!.decoder!;
    const out = decoder.push(chunk);
    if (decoder.error !== null) {
      this.#streamFailed(attempt, decoder.error, out);
      return;
    }
    if (out !== null) this.#relay(attempt, out);
  }

  /** The content type of the stream's head: the upstream's own when the adapter relays its bytes. */
  #contentType(attempt: UpstreamAttempt | null): string {
    return this.#current!.ctx.target.upstream.adapter.relaysContentType === true && attempt !== null ? attempt.contentType : SSE_CONTENT_TYPE;
  }

  /** Passes canonical bytes through the stages to the client. */
  #emit(attempt: UpstreamAttempt, bytes: Buffer): void {
    const error = this.#out!.emit(bytes, this.#contentType(attempt), this.#attempts);
    if (error !== null) this.#stageFailed(error);
  }

  /** Implements {@link AttemptOwner.onSuccess}. */
  onSuccess(attempt: UpstreamAttempt, body: Buffer | null): void {
    if (this.#done) return;
    if (attempt !== this.#attempt) {
      const rival = this.#rival;
      if (rival?.attempt !== attempt) return;
      // Non-streamed hedge answered first; a streamed one that ends before its first token failed.
      if (body === null) return this.#rivalFailed(rival, "interrupted", null);
      this.#promoteRival(rival);
    }
    if (body !== null) return this.#answer(attempt, body);
    const decoder = this.#current!.decoder!;
    const tail = decoder.end();
    if (decoder.error !== null) return this.#streamFailed(attempt, decoder.error, tail);
    if (tail !== null) this.#relay(attempt, tail);
    if (this.#done) return;
    if (!decoder.complete && !this.#committed) {
      // Ended before anything reached the client: as good as a failed connection.
      return this.#attemptFailed(transportError({ kind: "interrupted", detail: "the stream ended before it was complete" }));
    }
    const out = this.#out!;
    const held = out.endStages(decoder.complete);
    if (held !== null && "error" in held) return this.#stageFailed(held.error);
    if (held !== null) out.queue(held, this.#contentType(attempt), this.#attempts);
    this.#noteOutput();
    this.#clearTimers();
    if (decoder.complete) attemptSucceeded(this.#in.health, this.#current!.ctx.target, this.#current!.key, performance.now());
    this.#in.record.attemptEnded(decoder.complete ? "success" : "interrupted", decoder.complete ? null : "interrupted");
    if (!decoder.complete) {
      this.#endStreamWithError({ code: "upstream_stream_interrupted", message: "the upstream ended the stream before it was complete" });
      return;
    }
    this.#done = true;
    if (!out.committed) out.commit(this.#contentType(attempt), this.#attempts);
    out.finish(null);
  }

  /** A complete non-streamed 2xx body: decode, run the stages, send. */
  #answer(attempt: UpstreamAttempt, raw: Buffer): void {
    const current = this.#current!;
    const adapter = current.ctx.target.upstream.adapter;
    const decoded = adapter.decodeChatResponse(raw, current.ctx);
    if ("class" in decoded) return this.#attemptFailed(decoded);
    const record = this.#in.record;
    record.usage = decoded.usage;
    record.outputChars = decoded.outputChars ?? 0;
    this.#clearTimers();
    if (this.#rival !== null) {
      record.hedge = 1;
      this.#dropRival("aborted", null);
    }
    record.attemptEnded("success");
    attemptSucceeded(this.#in.health, current.ctx.target, current.key, performance.now());
    let body = decoded.body;
    for (const stage of this.#stages) {
      body = stage.transformBody(body);
      if (stage.error !== null) return this.#stageFailed(stage.error);
    }
    this.#done = true;
    sendAnswer(this.#in.exchange, this.#in.requestId, adapter.relaysContentType === true ? attempt.contentType : "application/json", this.#attempts, body);
  }

  /** Implements {@link AttemptOwner.onFailure}. */
  onFailure(attempt: UpstreamAttempt, failure: AttemptFailure): void {
    if (this.#done) return;
    if (attempt !== this.#attempt) {
      const rival = this.#rival;
      if (rival?.attempt !== attempt) return;
      const e = failure.kind === "status" ? rival.ctx.target.upstream.adapter.classifyError(failure.status, attempt.headers, failure.body) : transportError(failure);
      return this.#rivalFailed(rival, e.class, e.retryAfterMs);
    }
    const current = this.#current!;
    const error = failure.kind === "status" ? current.ctx.target.upstream.adapter.classifyError(failure.status, attempt.headers, failure.body) : transportError(failure);
    if (this.#committed) {
      this.#noteOutput();
      this.#in.record.attemptEnded(outcomeOf(error), error.class);
      attemptFailed(this.#in.health, current.ctx.target, current.key, error.class, error.retryAfterMs, performance.now());
      this.#endStreamWithError({ code: "upstream_stream_interrupted", message: "the upstream connection failed in the middle of the stream" });
      return;
    }
    this.#attemptFailed(error);
  }

  /** The provider reported an error inside a 2xx stream. */
  #streamFailed(attempt: UpstreamAttempt, error: ProviderError, out: Buffer | null): void {
    if (!this.#committed) {
      this.#attempt = null;
      attempt.abort(SUPERSEDED);
      this.#attemptFailed(error);
      return;
    }
    if (out !== null) this.#emit(attempt, out);
    if (this.#done) return;
    this.#noteOutput();
    this.#in.record.attemptEnded(outcomeOf(error), error.class);
    this.#endStreamWithError(error);
    attempt.abort(SUPERSEDED);
  }

  /**
   * A failure before the commit point: the planner decides (retry, next target,
   * degraded answer, or the client's error). A hedge still racing simply carries on.
   */
  #attemptFailed(error: ProviderError): void {
    const record = this.#in.record;
    const now = performance.now();
    const current = this.#current!;
    // Not record.attemptEnded: with a hedge racing, the last record is the hedge's.
    endRecord(current.rec, outcomeOf(error), error.class);
    this.#clearRaceTimers();
    current.gate = null;
    attemptFailed(this.#in.health, current.ctx.target, current.key, error.class, error.retryAfterMs, now);
    const rival = this.#rival;
    if (rival !== null) {
      // The hedge carries on as the current attempt, still held until its first token.
      this.#promoteRival(rival);
      return;
    }
    const decision = this.#plannerOf().decide(error.class, error.retryAfterMs, now);
    switch (decision.action) {
      case "retry": {
        (record.retried ??= []).push(error.class);
        const target = decision.target;
        if (decision.delayMs === 0) return this.#tryTarget(target);
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = null;
          if (!this.#done) this.#tryTarget(target);
        }, decision.delayMs);
        return;
      }
      case "next":
        return this.#tryTarget(decision.target);
      case "degraded": {
        const degraded = this.#in.model.reliability!.degraded!;
        this.#done = true;
        record.degraded = true;
        this.#noteOutput();
        sendDegraded(this.#in.exchange, degraded, this.#in.requestId, this.#in.requestedModel, this.streaming, this.#attempts);
        return;
      }
      default:
        this.#respondWithError(error);
    }
  }

  #respondWithError(error: ProviderError): void {
    if (this.#done) return;
    this.#done = true;
    this.#noteOutput();
    // Every target refused the request before any was called: the refusal is the answer.
    const last = this.#attempts === 0 && this.#refusal !== null ? this.#refusal : error;
    sendProviderError(this.#in.exchange, this.#in.requestId, last, this.#attempts);
  }

  /** A response stage stopped the answer: an error response before the commit point, an error event after. */
  #stageFailed(error: GatewayError): void {
    const attempt = this.#attempt;
    this.#noteOutput();
    this.#in.record.attemptEnded("success");
    if (this.#committed) this.#endStreamWithError(error);
    else {
      this.#done = true;
      sendError(this.#in.exchange, this.#in.requestId, error);
    }
    this.#attempt = null;
    attempt?.abort(SUPERSEDED);
  }

  /** Copies the decoder's usage and output count to the record (streams; bodies set them in #answer). */
  #noteOutput(): void {
    const decoder = this.#current?.decoder ?? null;
    if (decoder === null) return;
    // A stream cut before the provider reported usage has none: accounting charges outputChars.
    this.#in.record.usage = decoder.usage;
    this.#in.record.outputChars = decoder.outputChars;
  }

  #endStreamWithError(err: GatewayError | ProviderError): void {
    this.#done = true;
    this.#out!.finish(streamErrorEvent(err));
  }

  #internalError(err: unknown): void {
    log("error", "adapter failed inside the gateway", { requestId: this.#in.requestId, error: err instanceof Error ? err.stack : String(err) });
    if (this.#done) return;
    this.#done = true;
    sendError(this.#in.exchange, this.#in.requestId, { code: "internal_error", message: "the gateway failed to handle this request; it has been logged" });
  }
}
