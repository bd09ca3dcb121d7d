/**
 * One chat completion through the gateway: attempts targets in the compiled order
 * until one succeeds, then relays the answer. Every attempt goes through the target's
 * adapter (runtime/adapters/): it builds the upstream request (possibly async, e.g.
 * signed; or refused when the provider cannot serve it), decodes the answer into the
 * canonical OpenAI shape with normalized usage, and classifies failures.
 *
 * The commit point is the first byte written to the client. Before it, a failure whose
 * class allows it (fallback-decision.ts) moves to the next target; a target whose
 * adapter refuses the request is skipped. After it (streams only), a failure ends the
 * stream with a `data: {"error":…}` event and no `[DONE]`, so clients see an error,
 * never a clean end. Non-streamed answers are buffered whole, so they never commit
 * half-way.
 *
 * Response stages (output guardrails, cache recorders) see the canonical answer in
 * order; with none (the common case) the decoder's bytes go straight to the client.
 */
import type { ChatRequestContext, ProviderError, StreamDecoder, UpstreamRequest } from "../adapters/adapter.js";
import type { LinkedModel, LinkedTarget } from "../plan/linked-plan.js";
import type { GatewayError } from "../server/errors.js";
import type { Exchange, HeaderList } from "../server/exchange.js";
import { sendError } from "../server/respond.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";
import { UpstreamAttempt, type AttemptOwner } from "../upstream/upstream-attempt.js";
import { log } from "../observability/log.js";
import type { RequestRecord } from "../observability/request-record.js";
import { mayTryNextTarget } from "./fallback-decision.js";
import { clientErrorOf, outcomeOf, streamErrorEvent, transportError } from "./provider-failure.js";
import type { ResponseStage } from "./response-stage.js";

export interface ChatCallInput {
  exchange: Exchange;
  requestId: string;
  model: LinkedModel;
  first: LinkedTarget;
  /** The client's body bytes, or null when a request stage changed `body` (the bytes no longer match it). */
  rawBody: Buffer | null;
  /** The parsed (canonical) body; adapters copy what they change. */
  body: Record<string, unknown>;
  requestedModel: string;
  stream: boolean;
  /** Where attempts, usage and outcomes are noted for metrics and audit. */
  record: RequestRecord;
  /** The request's response stages, in order; empty (the default) means a plain relay. */
  stages?: readonly ResponseStage[];
}

const NO_STAGES: readonly ResponseStage[] = Object.freeze([]);
const CLIENT_GONE = new Error("client disconnected");
const SUPERSEDED = new Error("attempt superseded");
const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

/** True when the client asked for the usage chunk itself. */
function wantsStreamUsage(body: Record<string, unknown>): boolean {
  const options = body["stream_options"];
  return typeof options === "object" && options !== null && (options as Record<string, unknown>)["include_usage"] === true;
}

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
  #ctx: ChatRequestContext | null = null;
  #decoder: StreamDecoder | null = null;
  #attempts = 0;
  #fallbackCursor = 0;
  /** The last adapter refusal, answered when no target could take the request. */
  #refusal: ProviderError | null = null;
  #committed = false;
  /** The response is over (sent, ended, or the client left): nothing more may happen. */
  #done = false;
  #pending: Buffer[] = [];
  #flushScheduled = false;

  constructor(input: ChatCallInput) {
    this.#in = input;
    this.#stages = input.stages ?? NO_STAGES;
    this.streaming = input.stream;
    this.#clientWantsUsage = input.stream && wantsStreamUsage(input.body);
    input.record.stream = input.stream;
    input.record.body = input.rawBody;
    input.exchange.onAbort(() => {
      this.clientGone = true;
      this.#done = true;
      this.#noteOutput();
      this.#attempt?.abort(CLIENT_GONE);
    });
  }

  start(): void {
    this.#tryTarget(this.#in.first);
  }

  #nextTarget(): LinkedTarget | null {
    const order = this.#in.model.fallbacks;
    while (this.#fallbackCursor < order.length) {
      const candidate = order[this.#fallbackCursor++]!;
      if (candidate !== this.#in.first) return candidate;
    }
    return null;
  }

  #tryTarget(target: LinkedTarget): void {
    const input = this.#in;
    const ctx: ChatRequestContext = {
      target,
      body: input.body,
      rawBody: input.rawBody,
      stream: input.stream,
      requestId: input.requestId,
      clientWantsStreamUsage: this.#clientWantsUsage,
    };
    let built: UpstreamRequest | Promise<UpstreamRequest> | ProviderError;
    try {
      built = target.upstream.adapter.buildChatRequest(ctx);
    } catch (err) {
      this.#internalError(err);
      return;
    }
    if (built instanceof Promise) {
      built.then(
        (request) => this.#dispatch(ctx, request),
        (err: unknown) => this.#internalError(err),
      );
    } else {
      this.#dispatch(ctx, built);
    }
  }

  #dispatch(ctx: ChatRequestContext, request: UpstreamRequest | ProviderError): void {
    if (this.#done) return;
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
    const attempt = new UpstreamAttempt(this, upstream.timeouts.totalMs);
    this.#attempt = attempt;
    this.#ctx = ctx;
    this.#decoder = this.streaming ? upstream.adapter.createStreamDecoder(ctx) : null;
    this.#in.record.attemptStarted(ctx.target);
    upstream.pool.dispatch({ method: request.method, path: request.path, headers: request.headers, body: request.body }, attempt);
  }

  /**
   * Implements {@link AttemptOwner.onStreamChunk}: decodes, runs the stages, relays.
   * undici hands over one chunk per chunked-encoding frame, often many per socket
   * read, so output is queued and flushed in one write (one cork, one syscall) per tick.
   */
  onStreamChunk(attempt: UpstreamAttempt, chunk: Buffer): void {
    if (attempt !== this.#attempt || this.#done) return;
    const decoder = this.#decoder!;
    const out = decoder.push(chunk);
    if (decoder.error !== null) {
      this.#streamFailed(attempt, decoder.error, out);
      return;
    }
    if (out !== null) this.#emit(attempt, out);
  }

  /** Passes canonical bytes through the stages and queues what comes out for the client. */
  #emit(attempt: UpstreamAttempt, bytes: Buffer): void {
    let out: Buffer | null = bytes;
    for (const stage of this.#stages) {
      out = stage.pushStream(out);
      if (stage.error !== null) return this.#stageFailed(stage.error);
      if (out === null) return;
    }
    this.#queue(attempt, out);
  }

  #queue(attempt: UpstreamAttempt | null, out: Buffer): void {
    if (out.length === 0) return;
    if (!this.#committed) this.#commit(attempt);
    this.#pending.push(out);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  #commit(attempt: UpstreamAttempt | null): void {
    this.#committed = true;
    const ctx = this.#ctx!;
    const type = ctx.target.upstream.adapter.relaysContentType === true && attempt !== null ? attempt.contentType : SSE_CONTENT_TYPE;
    this.#in.exchange.beginStream(200, [
      ["content-type", type],
      ["cache-control", "no-cache"],
      ["x-accel-buffering", "no"],
      ["x-request-id", this.#in.requestId],
      ["x-tollgate-attempts", String(this.#attempts)],
    ]);
  }

  /** Writes the queued output; under backpressure pauses the upstream until the client drains. */
  #flush = (): void => {
    this.#flushScheduled = false;
    const pending = this.#pending;
    if (pending.length === 0 || this.clientGone) return;
    this.#pending = [];
    const ex = this.#in.exchange;
    if (ex.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending))) return;
    const controller = this.#attempt?.controller ?? null;
    controller?.pause();
    ex.onDrain(() => controller?.resume());
  };

  /** Implements {@link AttemptOwner.onSuccess}. */
  onSuccess(attempt: UpstreamAttempt, body: Buffer | null): void {
    if (attempt !== this.#attempt || this.#done) return;
    if (body !== null) return this.#answer(attempt, body);
    const decoder = this.#decoder!;
    const tail = decoder.end();
    if (decoder.error !== null) return this.#streamFailed(attempt, decoder.error, tail);
    if (tail !== null) this.#emit(attempt, tail);
    if (this.#done) return;
    if (!decoder.complete && !this.#committed) {
      // Ended before anything reached the client: as good as a failed connection.
      return this.#attemptFailed(transportError({ kind: "interrupted", detail: "the stream ended before it was complete" }));
    }
    const held = this.#endStages(decoder.complete);
    if (this.#done) return;
    if (held !== null) this.#queue(attempt, held);
    this.#noteOutput();
    this.#in.record.attemptEnded(decoder.complete ? "success" : "interrupted", decoder.complete ? null : "interrupted");
    if (!decoder.complete) {
      this.#endStreamWithError({ code: "upstream_stream_interrupted", message: "the upstream ended the stream before it was complete" });
      return;
    }
    this.#done = true;
    if (!this.#committed) this.#commit(attempt);
    this.#flush();
    this.#in.exchange.end();
  }

  /** A complete non-streamed 2xx body: decode, run the stages, send. */
  #answer(attempt: UpstreamAttempt, raw: Buffer): void {
    const ctx = this.#ctx!;
    const adapter = ctx.target.upstream.adapter;
    const decoded = adapter.decodeChatResponse(raw, ctx);
    if ("class" in decoded) return this.#attemptFailed(decoded);
    const record = this.#in.record;
    record.usage = decoded.usage;
    record.outputChars = decoded.outputChars ?? 0;
    record.attemptEnded("success");
    let body = decoded.body;
    for (const stage of this.#stages) {
      body = stage.transformBody(body);
      if (stage.error !== null) return this.#stageFailed(stage.error);
    }
    this.#done = true;
    this.#in.exchange.send(200, [
      ["content-type", adapter.relaysContentType === true ? attempt.contentType : "application/json"],
      ["x-request-id", this.#in.requestId],
      ["x-tollgate-attempts", String(this.#attempts)],
    ], body);
  }

  /** Implements {@link AttemptOwner.onFailure}. */
  onFailure(attempt: UpstreamAttempt, failure: AttemptFailure): void {
    if (attempt !== this.#attempt || this.#done) return;
    const error =
      failure.kind === "status"
        ? this.#ctx!.target.upstream.adapter.classifyError(failure.status, attempt.headers, failure.body)
        : transportError(failure);
    if (this.#committed) {
      this.#noteOutput();
      this.#in.record.attemptEnded(outcomeOf(error), error.class);
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

  /** A failure before the commit point: the next target, or the client's error. */
  #attemptFailed(error: ProviderError): void {
    this.#in.record.attemptEnded(outcomeOf(error), error.class);
    if (mayTryNextTarget(error, this.#in.model)) {
      const next = this.#nextTarget();
      if (next !== null) {
        this.#tryTarget(next);
        return;
      }
    }
    this.#respondWithError(error);
  }

  #respondWithError(error: ProviderError): void {
    if (this.#done) return;
    this.#done = true;
    this.#noteOutput();
    // Every target refused the request before any was called: the refusal is the answer.
    const last = this.#attempts === 0 && this.#refusal !== null ? this.#refusal : error;
    const response = clientErrorOf(last, this.#attempts);
    if ("code" in response) {
      sendError(this.#in.exchange, this.#in.requestId, response);
      return;
    }
    const headers: HeaderList = [
      ["content-type", "application/json"],
      ["x-request-id", this.#in.requestId],
    ];
    this.#in.exchange.send(response.status, headers, response.body);
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

  /** Ends every stage in order; returns the bytes they held back, or null (also after a stage error). */
  #endStages(complete: boolean): Buffer | null {
    let carry: Buffer | null = null;
    for (const stage of this.#stages) {
      const passed: Buffer | null = carry === null ? null : stage.pushStream(carry);
      if (stage.error !== null) {
        this.#stageFailed(stage.error);
        return null;
      }
      const held = stage.endStream(complete);
      if (stage.error !== null) {
        this.#stageFailed(stage.error);
        return null;
      }
      carry = passed === null ? held : held === null ? passed : Buffer.concat([passed, held]);
    }
    return carry;
  }

  /** Copies the decoder's usage and output count to the record (streams; bodies set them in #answer). */
  #noteOutput(): void {
    const decoder = this.#decoder;
    if (decoder === null) return;
    // A stream cut before the provider reported usage has none: accounting charges outputChars.
    this.#in.record.usage = decoder.usage;
    this.#in.record.outputChars = decoder.outputChars;
  }

  #endStreamWithError(err: GatewayError | ProviderError): void {
    this.#done = true;
    this.#flush();
    const ex = this.#in.exchange;
    ex.write(streamErrorEvent(err));
    ex.end();
  }

  #internalError(err: unknown): void {
    log("error", "adapter failed inside the gateway", { requestId: this.#in.requestId, error: err instanceof Error ? err.stack : String(err) });
    if (this.#done) return;
    this.#done = true;
    sendError(this.#in.exchange, this.#in.requestId, { code: "internal_error", message: "the gateway failed to handle this request; it has been logged" });
  }
}
