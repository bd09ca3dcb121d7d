/**
 * One chat completion through the gateway: attempts targets in the compiled order
 * until one succeeds, then relays the answer.
 *
 * The commit point is the first byte written to the client. Before it, a connect
 * error, timeout, 401/403/408/429/5xx or a cut-off body moves to the next target.
 * After it (streams only), an upstream failure ends the stream with an
 * `data: {"error":…}` event and no `[DONE]`, so clients see an error, never a clean end.
 * Non-streamed answers are buffered whole, so they never commit half-way.
 */
import type { LinkedModel, LinkedTarget } from "../plan/linked-plan.js";
import { errorObject, type GatewayError } from "../server/errors.js";
import type { Exchange } from "../server/exchange.js";
import { sendError } from "../server/respond.js";
import { isRetryable, type AttemptFailure } from "../upstream/attempt-failure.js";
import { UpstreamAttempt, type AttemptOwner } from "../upstream/upstream-attempt.js";
import { failureOutcome, type RequestRecord } from "../observability/request-record.js";
import type { ResponseStage } from "./response-stage.js";
import { StreamTail } from "./stream-tail.js";
import { relayedClientErrorBody, upstreamFailureError } from "./upstream-failure-error.js";

export interface ChatCallInput {
  exchange: Exchange;
  requestId: string;
  model: LinkedModel;
  first: LinkedTarget;
  /** The client's body bytes, forwarded untouched when the model name needs no rewrite; null when a request stage changed the body (it is then serialized once). */
  rawBody: Buffer | null;
  /** Response stages run on the canonical answer, in order (usually none: bytes pass through). */
  stages?: readonly ResponseStage[];
  /** The parsed body, re-serialized only when the upstream model name differs. */
  body: Record<string, unknown>;
  requestedModel: string;
  stream: boolean;
  /** Where attempts and their outcomes are noted for metrics and audit. */
  record: RequestRecord;
}

const CLIENT_GONE = new Error("client disconnected");

export class ChatCall implements AttemptOwner {
  readonly streaming: boolean;
  clientGone = false;
  #in: ChatCallInput;
  readonly #rawBody: Buffer;
  readonly #stages: readonly ResponseStage[];
  #attempt: UpstreamAttempt | null = null;
  #attempts = 0;
  #fallbackCursor = 0;
  #committed = false;
  #tail: StreamTail | null = null;
  #pending: Buffer[] = [];
  #flushScheduled = false;

  constructor(input: ChatCallInput) {
    const rawBody = input.rawBody ?? Buffer.from(JSON.stringify(input.body));
    this.#in = input;
    this.#rawBody = rawBody;
    this.#stages = input.stages ?? [];
    this.streaming = input.stream;
    input.record.stream = input.stream;
    input.record.body = rawBody;
    input.exchange.onAbort(() => {
      this.clientGone = true;
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
    this.#attempts++;
    const upstream = target.upstream;
    const body =
      target.model === this.#in.requestedModel ? this.#rawBody : Buffer.from(JSON.stringify({ ...this.#in.body, model: target.model }));
    const headers: string[] = ["content-type", "application/json", "accept", this.streaming ? "text/event-stream" : "application/json", "x-request-id", this.#in.requestId];
    const keys = upstream.authorizations;
    if (keys.length > 0) {
      headers.push("authorization", keys[upstream.nextKey++ % keys.length]!);
    }
    const attempt = new UpstreamAttempt(this, upstream.timeouts.totalMs);
    this.#attempt = attempt;
    this.#in.record.attemptStarted(target);
    upstream.pool.dispatch({ method: "POST", path: upstream.chatPath, headers, body }, attempt);
  }

  /**
   * Implements {@link AttemptOwner.onStreamChunk}: relays bytes untouched. undici
   * hands over one chunk per chunked-encoding frame, often many per socket read, so
   * chunks are queued and flushed in one write (one cork, one syscall) per tick.
   */
  onStreamChunk(attempt: UpstreamAttempt, chunk: Buffer): void {
    if (!this.#committed) {
      this.#committed = true;
      this.#tail = new StreamTail();
      this.#in.exchange.beginStream(200, [
        ["content-type", attempt.contentType],
        ["cache-control", "no-cache"],
        ["x-accel-buffering", "no"],
        ["x-request-id", this.#in.requestId],
        ["x-tollgate-attempts", String(this.#attempts)],
      ]);
    }
    this.#tail!.push(chunk);
    const out = this.#stages.length === 0 ? chunk : this.#throughStages(chunk);
    if (out === null) return;
    this.#pending.push(out);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flush);
    }
  }

  /** Runs a stream chunk through the response stages; null when they hold everything back. */
  #throughStages(chunk: Buffer): Buffer | null {
    let out: Buffer | null = chunk;
    for (const stage of this.#stages) {
      out = stage.pushStream(out);
      if (out === null) return null;
    }
    return out;
  }

  /** Writes the queued chunks; under backpressure pauses the upstream until the client drains. */
  #flush = (): void => {
    this.#flushScheduled = false;
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    const ex = this.#in.exchange;
    if (ex.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending))) return;
    const controller = this.#attempt?.controller ?? null;
    controller?.pause();
    ex.onDrain(() => controller?.resume());
  };

  /** Implements {@link AttemptOwner.onSuccess}. */
  onSuccess(attempt: UpstreamAttempt, body: Buffer | null): void {
    const ex = this.#in.exchange;
    if (this.clientGone) return;
    // A streamed body without `[DONE]` is an interrupted attempt, not a success.
    this.#in.record.attemptEnded(body !== null || (this.#tail?.sawDone ?? true) ? "success" : "interrupted");
    if (body !== null) {
      for (const stage of this.#stages) body = stage.transformBody(body);
      ex.send(200, [
        ["content-type", attempt.contentType],
        ["x-request-id", this.#in.requestId],
        ["x-tollgate-attempts", String(this.#attempts)],
      ], body);
      return;
    }
    if (!this.#committed) {
      // A 2xx stream with no body at all: nothing was committed, so try elsewhere.
      this.onFailure(attempt, { kind: "interrupted", detail: "empty stream" });
      return;
    }
    const complete = this.#tail!.sawDone;
    for (const stage of this.#stages) {
      const held = stage.endStream(complete);
      if (held !== null) this.#pending.push(held);
    }
    this.#flush();
    if (!complete) {
      this.#endStreamWithError({ code: "upstream_stream_interrupted", message: "the upstream ended the stream before it was complete" });
      return;
    }
    ex.end();
  }

  /** Implements {@link AttemptOwner.onFailure}. */
  onFailure(attempt: UpstreamAttempt, failure: AttemptFailure): void {
    if (this.clientGone) return;
    this.#in.record.attemptEnded(failureOutcome(failure));
    if (attempt.relayed) {
      this.#endStreamWithError({ code: "upstream_stream_interrupted", message: "the upstream connection failed in the middle of the stream" });
      return;
    }
    if (isRetryable(failure)) {
      const next = this.#nextTarget();
      if (next !== null) {
        this.#tryTarget(next);
        return;
      }
    } else if (failure.kind === "status" && failure.status >= 400 && failure.status < 500) {
      this.#in.exchange.send(failure.status, [
        ["content-type", "application/json"],
        ["x-request-id", this.#in.requestId],
      ], relayedClientErrorBody(failure.status, failure.body));
      return;
    }
    sendError(this.#in.exchange, this.#in.requestId, upstreamFailureError(failure, this.#attempts));
  }

  #endStreamWithError(err: GatewayError): void {
    this.#flush();
    const ex = this.#in.exchange;
    ex.write(`data: ${JSON.stringify({ error: errorObject(err) })}\n\n`);
    ex.end();
  }
}
