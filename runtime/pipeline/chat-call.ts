/**
 * One chat completion: the chat driver of the attempt loop (attempt-loop.ts walks the
 * order, retries and falls back). Each attempt goes through the target's adapter, which
 * builds the upstream request (or refuses it), decodes the answer into the canonical
 * OpenAI shape with normalized usage, and classifies failures.
 *
 * The commit point is the first byte written to the client (stream-relay.ts). Before
 * it, a failure goes back to the loop. After it (streams only), a failure ends the
 * stream with a `data: {"error":…}` event and no `[DONE]`: clients see an error, never a
 * clean end. Non-streamed answers are buffered whole. Response stages (output
 * guardrails, cache recorders) see the canonical answer in order. With a first-token
 * timeout or a hedge (hedge.ts), bytes before the first token are held back
 * (first-token-gate.ts), so a late first token can still fall back.
 *
 * Hot path: no first-token timeout, hedge or stages, and a first attempt that succeeds
 * allocate no planner, gate, hedge and (unless streamed) no relay.
 */
import type { ChatRequestContext, ResponsesCapability, UpstreamRequest } from "../adapters/adapter.js";
import type { ProviderError } from "../canonical/provider-error.js";
import type { LinkedTarget } from "../plan/linked-plan.js";
import { gatewayError, type GatewayError } from "../base/errors.js";
import type { RequestRecord } from "../base/request-record.js";
import { sendError } from "./respond.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";
import { UpstreamAttempt, type AttemptController, type AttemptOwner } from "../upstream/upstream-attempt.js";
import { MAX_UPSTREAM_JSON_DEPTH, classifyFailure, outcomeOf, streamErrorEvent, transportError, unreadableAnswer } from "./provider-failure.js";
import { jsonDepthWithin } from "../canonical/json-depth.js";
import { sendAnswer, sendLoopEnd } from "./chat-responses.js";
import type { ResponseStage } from "../stages/response-stage.js";
import { sendDegraded } from "./degraded-answer.js";
import { firstTokenTimeoutError } from "../reliability/health-feedback.js";
import { AttemptLoop, type AttemptDriver, type AttemptSpec, type LoopEnd } from "./attempt-loop.js";
import { Contender } from "./contender.js";
import { FirstTokenGate } from "./first-token-gate.js";
import { Hedge, SUPERSEDED, type HedgeHost } from "./hedge.js";
import { StreamRelay } from "./stream-relay.js";
import { attemptContext, wantsStreamUsage, type ChatCallInput } from "./chat-call-input.js";
import { nativeResponses, statefulRefusal } from "./responses-attempt.js";

export type { ChatCallInput } from "./chat-call-input.js";

const NO_STAGES: readonly ResponseStage[] = Object.freeze([]);
const CLIENT_GONE = new Error("client disconnected");
const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

/** One attempt's request and the adapter context it was built from. */
interface PreparedChat {
  readonly ctx: ChatRequestContext;
  readonly request: UpstreamRequest;
  /** A `/v1/responses` request passed through to this target, else absent. */
  readonly native?: ResponsesCapability;
}

export class ChatCall implements AttemptOwner, AttemptDriver<PreparedChat>, HedgeHost {
  readonly streaming: boolean;
  clientGone = false;
  #in: ChatCallInput;
  #stages: readonly ResponseStage[];
  #clientWantsUsage: boolean;
  #loop: AttemptLoop<PreparedChat>;
  /** The attempt in flight; callbacks of any other (aborted, superseded) attempt are ignored. */
  #attempt: UpstreamAttempt | null = null;
  /** The current contender (its context, decoder, key, record, gate); kept after its attempt ends, for the outcome. */
  #current: Contender | null = null;
  /** The hedge of the first attempt (models with `hedge.delay`), else null. */
  #hedge: Hedge | null = null;
  /** The response is over (sent, ended, or the client left): nothing more may happen. */
  #done = false;
  /** Streams only: the client side (commit point, stages, writes). */
  #out: StreamRelay | null;
  #ttftTimer: NodeJS.Timeout | null = null;

  constructor(input: ChatCallInput) {
    this.#in = input;
    this.#stages = input.stages ?? NO_STAGES;
    this.streaming = input.stream;
    this.#clientWantsUsage = wantsStreamUsage(input);
    this.#out = input.stream ? new StreamRelay(input.exchange, input.requestId, this.#stages, this) : null;
    this.#loop = new AttemptLoop(this, input.model, input.first, input.health, input.record);
    input.record.stream = input.stream;
    input.record.body = input.rawBody;
    input.exchange.onAbort(() => {
      this.clientGone = true;
      this.#finish();
      this.#attempt?.abort(CLIENT_GONE);
      this.#hedge?.abort(CLIENT_GONE);
    });
  }

  get record(): RequestRecord {
    return this.#in.record;
  }

  get current(): Contender | null {
    return this.#current;
  }

  /** Implements {@link RelaySource.upstreamController}: the attempt being relayed. */
  get upstreamController(): AttemptController | null {
    return this.#attempt?.controller ?? null;
  }

  get #committed(): boolean {
    return this.#out !== null && this.#out.committed;
  }

  start(): void {
    this.#loop.start();
  }

  /** Implements {@link AttemptDriver.prepare}: the adapter's request for this target and key. */
  prepare(target: LinkedTarget, key: number): PreparedChat | Promise<PreparedChat | ProviderError> | ProviderError {
    const ctx = attemptContext(this.#in, target, key, this.#clientWantsUsage);
    const responses = this.#in.responses;
    let native: ResponsesCapability | null = null;
    let built: ReturnType<ResponsesCapability["build"]> | ProviderError;
    if (responses !== undefined && responses !== null) {
      const hasStages = this.#stages.length > 0;
      native = nativeResponses(target, hasStages);
      const refused = native === null ? statefulRefusal(responses, target, hasStages) : null;
      if (refused !== null) return refused;
      built = native !== null ? native.build(ctx, responses.body) : target.upstream.adapter.buildChatRequest(ctx);
    } else built = target.upstream.adapter.buildChatRequest(ctx);
    const prepared = (request: UpstreamRequest | ProviderError): PreparedChat | ProviderError =>
      "class" in request ? request : native === null ? { ctx, request } : { ctx, request, native };
    return built instanceof Promise ? built.then(prepared) : prepared(built);
  }

  /** Implements {@link AttemptDriver.send}. */
  send(prepared: PreparedChat, spec: AttemptSpec): void {
    const { ctx, request } = prepared;
    const upstream = spec.target.upstream;
    const attempt = new UpstreamAttempt(this, spec.budgetMs);
    attempt.slot = spec.slot;
    const native = prepared.native ?? null;
    const decoder = this.streaming ? (native?.createStreamDecoder() ?? upstream.adapter.createStreamDecoder(ctx)) : null;
    const rec = this.#in.record.lastAttempt!;
    if (spec.rival) {
      const rival = new Contender(attempt, ctx, decoder, spec.key, rec, this.streaming ? new FirstTokenGate() : null);
      rival.native = native;
      this.#hedge!.join(rival);
    } else {
      this.#attempt = attempt;
      this.#current = new Contender(attempt, ctx, decoder, spec.key, rec, this.#watchFirstToken(attempt, spec.target));
      this.#current.native = native;
    }
    // The adapter's request has exactly the fields of undici's dispatch options.
    upstream.pool.dispatch(request, attempt);
  }

  /** Implements {@link AttemptDriver.racing} and {@link HedgeHost.racing}: uncommitted and, for streams, before the first token. */
  racing(): boolean {
    return !this.#done && !this.#committed && !(this.streaming && this.#current?.gate == null);
  }

  /** Implements {@link AttemptDriver.takeOver}: a racing hedge carries on as the current attempt. */
  takeOver(): boolean {
    return this.#hedge?.takeOver() ?? false;
  }

  /** Implements {@link AttemptDriver.conclude}. */
  conclude(end: LoopEnd): void {
    if (this.#done) return;
    this.#finish();
    const { exchange, requestId } = this.#in;
    if (end.kind !== "degraded") return sendLoopEnd(exchange, requestId, end, this.#loop.attempts);
    this.#in.record.degraded = true;
    sendDegraded(exchange, this.#in.model.reliability!.degraded!, requestId, this.#in.requestedModel, this.streaming, this.#loop.attempts);
  }

  /** Implements {@link HedgeHost.startRival}. */
  startRival(): void {
    if (this.#done) return;
    const next = this.#loop.hedgeTarget();
    if (next !== null) this.#loop.tryTarget(next, true);
  }

  /** Implements {@link HedgeHost.promote}: the hedge won; the first attempt is cancelled. */
  promote(rival: Contender): void {
    const loser = this.#attempt;
    this.#attempt = rival.attempt;
    this.#current = rival;
    this.#clearTtft();
    this.#loop.promote(rival.ctx.target, rival.key, rival.rec);
    loser?.abort(SUPERSEDED);
  }

  /** Implements {@link HedgeHost.rivalFailed}. */
  rivalFailed(rival: Contender, error: ProviderError): void {
    this.#loop.noteFailure(rival.ctx.target, rival.key, error);
  }

  /** Arms the first-token timeout and the hedge of a streamed attempt, when the plan asks for them; returns its gate. */
  #watchFirstToken(attempt: UpstreamAttempt, target: LinkedTarget): FirstTokenGate | null {
    const ttft = this.streaming ? target.upstream.reliability.firstTokenMs : 0;
    const hedgeMs = this.#loop.attempts === 1 ? (this.#in.model.reliability?.hedgeDelayMs ?? 0) : 0;
    if (this.#committed || (ttft === 0 && hedgeMs === 0)) return null;
    if (ttft > 0) this.#ttftTimer = setTimeout(() => this.#firstTokenLate(attempt), ttft);
    if (hedgeMs > 0) this.#hedge = new Hedge(this, hedgeMs);
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
    this.#endStreamWithError(gatewayError("first-token-late", {}));
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
      this.#clearTtft();
      this.#hedge?.primaryWon();
    }
    // Committed early (a preamble over the limit): still watching, for the first-token timeout only.
    if (this.#committed) return this.#emit(attempt, out);
    gate.hold(out);
    if (!token && !gate.full) return;
    // Committing ends any race: after the first byte the answer cannot change hands.
    this.#hedge?.committed();
    this.#emit(attempt, gate.take());
  }

  #clearTtft(): void {
    if (this.#ttftTimer !== null) clearTimeout(this.#ttftTimer);
    this.#ttftTimer = null;
  }

  /** Implements {@link AttemptOwner.onStreamChunk}: decodes, runs the stages, relays. */
  onStreamChunk(attempt: UpstreamAttempt, chunk: Buffer): void {
    if (this.#done) return;
    if (attempt !== this.#attempt) {
      const won = this.#hedge?.onChunk(attempt, chunk);
      if (won instanceof Buffer) this.#emit(attempt, won);
      return;
    }
    const decoder = this.#current!.decoder!;
    let out: Buffer | null;
    try {
      out = decoder.push(chunk);
    } catch (err) {
      return this.#streamFailed(attempt, unreadableAnswer(this.#current!.ctx.target.upstream.name, err), null);
    }
    if (decoder.error !== null) return this.#streamFailed(attempt, decoder.error, out);
    if (out !== null) this.#relay(attempt, out);
  }

  /** The content type of the stream's head: the upstream's own when the adapter relays its bytes. */
  #contentType(attempt: UpstreamAttempt | null): string {
    return this.#current!.ctx.target.upstream.adapter.relaysContentType === true && attempt !== null ? attempt.contentType : SSE_CONTENT_TYPE;
  }

  /** Passes canonical bytes through the stages to the client. */
  #emit(attempt: UpstreamAttempt, bytes: Buffer): void {
    const error = this.#out!.emit(bytes, this.#contentType(attempt), this.#loop.attempts);
    if (error !== null) this.#stageFailed(error);
  }

  /** Implements {@link AttemptOwner.onSuccess}. */
  onSuccess(attempt: UpstreamAttempt, body: Buffer | null): void {
    if (this.#done) return;
    // A non-streamed hedge that answers first wins; a streamed one that ends before its first token failed.
    if (attempt !== this.#attempt && this.#hedge?.onComplete(attempt, body !== null) !== true) return;
    if (body !== null) return this.#answer(attempt, body);
    const decoder = this.#current!.decoder!;
    let tail: Buffer | null;
    try {
      tail = decoder.end();
    } catch (err) {
      return this.#streamFailed(attempt, unreadableAnswer(this.#current!.ctx.target.upstream.name, err), null);
    }
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
    if (held !== null) out.queue(held, this.#contentType(attempt), this.#loop.attempts);
    this.#noteOutput();
    this.#clearTtft();
    this.#hedge?.disarm();
    if (decoder.complete) this.#loop.succeeded();
    this.#in.record.attemptEnded(decoder.complete ? "success" : "interrupted", decoder.complete ? null : "interrupted");
    if (!decoder.complete) return this.#endStreamWithError(gatewayError("stream-ended-early", {}));
    this.#finish();
    if (!out.committed) out.commit(this.#contentType(attempt), this.#loop.attempts);
    out.finish(null);
  }

  /** A complete non-streamed 2xx body: decode, run the stages, send. An unreadable body fails the attempt like a server error. */
  #answer(attempt: UpstreamAttempt, raw: Buffer): void {
    const current = this.#current!;
    const upstream = current.ctx.target.upstream;
    const adapter = upstream.adapter;
    let decoded: ReturnType<typeof adapter.decodeChatResponse>;
    try {
      if (!jsonDepthWithin(raw, MAX_UPSTREAM_JSON_DEPTH)) throw new RangeError("nested too deep");
      decoded = current.native !== null ? current.native.decode(raw) : adapter.decodeChatResponse(raw, current.ctx);
    } catch (err) {
      return this.#attemptFailed(unreadableAnswer(upstream.name, err));
    }
    if ("class" in decoded) return this.#attemptFailed(decoded);
    const record = this.#in.record;
    record.usage = decoded.usage;
    record.outputChars = decoded.outputChars ?? 0;
    this.#clearTtft();
    this.#hedge?.primaryWon();
    record.attemptEnded("success");
    this.#loop.succeeded();
    let body = decoded.body;
    for (const stage of this.#stages) {
      body = stage.transformBody(body);
      if (stage.error !== null) return this.#stageFailed(stage.error);
    }
    this.#finish();
    sendAnswer(this.#in.exchange, this.#in.requestId, adapter.relaysContentType === true ? attempt.contentType : "application/json", this.#loop.attempts, body);
  }

  /** Implements {@link AttemptOwner.onFailure}. */
  onFailure(attempt: UpstreamAttempt, failure: AttemptFailure): void {
    if (this.#done) return;
    if (attempt !== this.#attempt) {
      const rival = this.#hedge?.rival;
      if (rival?.attempt === attempt) this.#hedge!.onFailure(attempt, classifyFailure(rival.ctx.target, attempt, failure));
      return;
    }
    const current = this.#current!;
    const error = classifyFailure(current.ctx.target, attempt, failure);
    if (this.#committed) {
      this.#noteOutput();
      this.#in.record.attemptEnded(outcomeOf(error), error.class);
      this.#loop.noteFailure(current.ctx.target, current.key, error);
      return this.#endStreamWithError(gatewayError("stream-connection-failed", {}));
    }
    this.#attemptFailed(error);
  }

  /** The provider reported an error inside a 2xx stream. */
  #streamFailed(attempt: UpstreamAttempt, error: ProviderError, out: Buffer | null): void {
    if (!this.#committed) {
      this.#attempt = null;
      attempt.abort(SUPERSEDED);
      return this.#attemptFailed(error);
    }
    if (out !== null) this.#emit(attempt, out);
    if (this.#done) return;
    this.#noteOutput();
    this.#in.record.attemptEnded(outcomeOf(error), error.class);
    this.#endStreamWithError(error);
    attempt.abort(SUPERSEDED);
  }

  /** A failure before the commit point: the loop decides (a racing hedge, a retry, the next target, the degraded answer, or the error). */
  #attemptFailed(error: ProviderError): void {
    this.#clearTtft();
    this.#hedge?.disarm();
    this.#current!.gate = null;
    this.#loop.failed(error);
  }

  /** A response stage stopped the answer: an error response before the commit point, an error event after. */
  #stageFailed(error: GatewayError): void {
    const attempt = this.#attempt;
    this.#noteOutput();
    this.#in.record.attemptEnded("success");
    if (this.#committed) {
      // Billed on what was delivered before the guardrail stopped it.
      this.#in.record.cut = "guardrail_stopped";
      this.#endStreamWithError(error);
    } else {
      this.#finish();
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
    // The client saw a 200 head and part of the answer: billed on what was delivered, and the record says it was cut.
    this.#in.record.cut ??= "upstream_cut";
    this.#finish();
    this.#out!.finish(streamErrorEvent(err));
  }

  /** The response is over: no timer, retry or hedge may start anything more. */
  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.#noteOutput();
    this.#clearTtft();
    this.#hedge?.disarm();
    this.#loop.close();
  }
}
