/**
 * One OpenAI-shaped request besides chat (embeddings, audio) through the gateway: the
 * body goes to the target's upstream as it is (only the model name rewritten when the
 * target names another), the answer comes back as it is. Targets are tried in the
 * compiled order, moving on after the default fallback classes; a target whose
 * adapter cannot relay the endpoint is skipped. Usage is read from the answer by the
 * endpoint's `usageOf` (or, for binary answers, known from the request).
 *
 * An adapter whose provider speaks another shape for the endpoint translates it
 * (RelayCapability.translate): the request is built from the parsed JSON body, the
 * answer mapped back to OpenAI's shape with its usage. A target that refuses the
 * request (e.g. token arrays to a text-only provider) is skipped like one without the
 * endpoint; when no target is left, the refusal is the answer.
 */
import type { RelayEndpoint, RelayTranslation, RelayUpstreamCall } from "../adapters/adapter.js";
import type { ProviderError } from "../canonical/provider-error.js";
import { jsonCallHeaders } from "../adapters/relay-headers.js";
import { isProviderError } from "../canonical/provider-error.js";
import type { LinkedModel, LinkedTarget } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import { sendError } from "./respond.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";
import { UpstreamAttempt, type AttemptOwner } from "../upstream/upstream-attempt.js";
import { RelayCalls, type RelayCallsOwner } from "./relay-calls.js";
import type { RequestRecord } from "../base/request-record.js";
import type { Usage } from "../base/usage.js";
import { classBit, DEFAULT_FALLBACK_MASK } from "../reliability/error-mask.js";
import { clientErrorOf, outcomeOf, transportError } from "./provider-failure.js";

export interface RelayCallInput {
  exchange: Exchange;
  requestId: string;
  model: LinkedModel;
  first: LinkedTarget;
  endpoint: RelayEndpoint;
  /** The request's content-type, sent upstream as is (JSON, or multipart with its boundary). */
  contentType: string;
  /** The body for a target: the client's bytes, or a copy naming the target's model. */
  bodyFor(target: LinkedTarget): Buffer | string;
  /** True to relay a 2xx answer as it arrives (binary audio, streamed transcriptions); false to buffer it (JSON, read for usage). */
  streamAnswer: boolean;
  /** Sees each chunk of a relayed 2xx answer (a streamed transcription's usage is in its last event). */
  onChunk?: (chunk: Buffer) => void;
  /** Usage from a buffered answer; or, for streamed answers, from the request (called with null). */
  usageOf(body: Buffer | null): Usage | null;
  record: RequestRecord;
  /** The parsed JSON body, for adapters that translate the endpoint; absent (multipart): such targets are skipped. */
  json?: Readonly<Record<string, unknown>>;
  /** The model name the client sent, with `json`. */
  requestedModel?: string;
}

const CLIENT_GONE = new Error("client disconnected");

/** The answer to a client whose request no target could relay. */
function unsupported(endpoint: RelayEndpoint, model: LinkedModel): ProviderError {
  return {
    class: "bad_request",
    status: 400,
    message: `the model \`${model.name}\` is not served by a provider that offers /v1/${endpoint}`,
    code: "unsupported_endpoint",
    retryAfterMs: null,
    param: "model",
  };
}

export class RelayCall implements AttemptOwner, RelayCallsOwner {
  readonly streaming: boolean;
  clientGone = false;
  #in: RelayCallInput;
  #attempt: UpstreamAttempt | null = null;
  #target: LinkedTarget | null = null;
  /** The current attempt's translation and its upstream calls, when its adapter translates the endpoint. */
  #translation: RelayTranslation | null = null;
  #calls: RelayCalls | null = null;
  /** The last target's refusal of the request, and the last failed attempt's error. */
  #refusal: ProviderError | null = null;
  #lastError: ProviderError | null = null;
  #attempts = 0;
  #cursor = 0;
  #committed = false;
  #done = false;

  constructor(input: RelayCallInput) {
    this.#in = input;
    this.streaming = input.streamAnswer;
    input.exchange.onAbort(() => {
      this.clientGone = true;
      this.#done = true;
      this.#attempt?.abort(CLIENT_GONE);
      this.#calls?.abort(CLIENT_GONE);
    });
  }

  start(): void {
    this.#try(this.#in.first);
  }

  #next(): LinkedTarget | null {
    const order = this.#in.model.fallbacks;
    while (this.#cursor < order.length) {
      const candidate = order[this.#cursor++]!;
      if (candidate !== this.#in.first) return candidate;
    }
    return null;
  }

  #try(target: LinkedTarget | null): void {
    const input = this.#in;
    // Skip targets whose protocol has no such endpoint (e.g. embeddings on Anthropic).
    let translation: RelayTranslation | null = null;
    for (; target !== null; target = this.#next()) {
      const relay = target.upstream.adapter.relay;
      if (relay?.endpoints.includes(input.endpoint) !== true) continue;
      if (relay.translate === undefined) break;
      if (input.json === undefined) continue;
      const translated = relay.translate({ target, endpoint: input.endpoint, body: input.json, requestedModel: input.requestedModel ?? input.model.name });
      if (!isProviderError(translated)) {
        translation = translated;
        break;
      }
      this.#refusal = translated;
    }
    if (target === null) {
      this.#fail(this.#lastError ?? this.#refusal ?? unsupported(input.endpoint, input.model));
      return;
    }
    const relay = target.upstream.adapter.relay!;
    this.#attempts++;
    this.#target = target;
    input.record.attemptStarted(target);
    if (translation !== null) {
      const auth = (call: RelayUpstreamCall): string[] | Promise<string[]> => {
        const headers = jsonCallHeaders(relay, target, call);
        return Array.isArray(headers) ? [...headers, "x-request-id", input.requestId] : headers.then((signed) => [...signed, "x-request-id", input.requestId]);
      };
      this.#attempt = null;
      this.#translation = translation;
      this.#calls = new RelayCalls(this, target, translation.calls, auth);
      this.#calls.start();
      return;
    }
    this.#calls = null;
    const headers = ["content-type", input.contentType, "x-request-id", input.requestId];
    relay.addAuth(target, headers);
    const attempt = new UpstreamAttempt(this, target.upstream.timeouts.totalMs);
    this.#attempt = attempt;
    target.upstream.pool.dispatch({ method: "POST", path: relay.path(target, input.endpoint), headers, body: input.bodyFor(target) }, attempt);
  }

  /** Implements {@link AttemptOwner.onStreamChunk}: binary answers are relayed as they arrive. */
  onStreamChunk(attempt: UpstreamAttempt, chunk: Buffer): void {
    if (attempt !== this.#attempt || this.#done) return;
    const ex = this.#in.exchange;
    if (!this.#committed) {
      this.#committed = true;
      ex.beginStream(200, [
        ["content-type", attempt.contentType],
        ["x-request-id", this.#in.requestId],
        ["x-tollgate-attempts", String(this.#attempts)],
      ]);
    }
    this.#in.onChunk?.(chunk);
    if (!ex.write(chunk)) {
      const controller = attempt.controller;
      controller?.pause();
      ex.onDrain(() => controller?.resume());
    }
  }

  /** Implements {@link AttemptOwner.onSuccess}. */
  onSuccess(attempt: UpstreamAttempt, body: Buffer | null): void {
    if (attempt !== this.#attempt || this.#done) return;
    const record = this.#in.record;
    record.attemptEnded("success");
    record.usage = this.#in.usageOf(body);
    this.#done = true;
    const ex = this.#in.exchange;
    if (body === null) {
      if (!this.#committed)
        ex.send(
          200,
          [
            ["content-type", attempt.contentType],
            ["x-request-id", this.#in.requestId],
          ],
          "",
        );
      else ex.end();
      return;
    }
    ex.send(
      200,
      [
        ["content-type", attempt.contentType],
        ["x-request-id", this.#in.requestId],
        ["x-tollgate-attempts", String(this.#attempts)],
      ],
      body,
    );
  }

  /** Implements {@link RelayCallsOwner.onCallsDone}: the translated answer, mapped back to OpenAI's shape; an unreadable one fails the attempt like an error status. */
  onCallsDone(calls: RelayCalls, bodies: readonly Buffer[]): void {
    if (calls !== this.#calls || this.#done) return;
    const answer = this.#translation!.answer(bodies);
    if (isProviderError(answer)) return this.#failed(answer);
    const record = this.#in.record;
    record.attemptEnded("success");
    record.usage = answer.usage;
    this.#done = true;
    this.#in.exchange.send(
      200,
      [
        ["content-type", "application/json"],
        ["x-request-id", this.#in.requestId],
        ["x-tollgate-attempts", String(this.#attempts)],
      ],
      answer.body,
    );
  }

  /** Implements {@link RelayCallsOwner.onCallsFailed}. */
  onCallsFailed(calls: RelayCalls, failed: UpstreamAttempt, failure: AttemptFailure): void {
    if (calls !== this.#calls || this.#done) return;
    this.#failed(failure.kind === "status" ? this.#target!.upstream.adapter.classifyError(failure.status, failed.headers, failure.body) : transportError(failure));
  }

  /** Implements {@link AttemptOwner.onFailure}. */
  onFailure(attempt: UpstreamAttempt, failure: AttemptFailure): void {
    if (attempt !== this.#attempt || this.#done) return;
    this.#failed(failure.kind === "status" ? this.#target!.upstream.adapter.classifyError(failure.status, attempt.headers, failure.body) : transportError(failure));
  }

  #failed(error: ProviderError): void {
    this.#in.record.attemptEnded(outcomeOf(error), error.class);
    if (this.#committed) {
      // A binary answer cut half-way: nothing to append that a client could read; end it short.
      this.#done = true;
      this.#in.exchange.end();
      return;
    }
    // The default fallback classes (the plan's per-route conditions govern chat; relays keep the defaults).
    if ((classBit(error.class) & DEFAULT_FALLBACK_MASK) !== 0) {
      const next = this.#next();
      this.#lastError = error;
      if (next !== null) return this.#try(next);
    }
    this.#fail(error);
  }

  #fail(error: ProviderError): void {
    if (this.#done) return;
    this.#done = true;
    const response = clientErrorOf(error, this.#attempts);
    if ("code" in response) return sendError(this.#in.exchange, this.#in.requestId, response);
    this.#in.exchange.send(
      response.status,
      [
        ["content-type", "application/json"],
        ["x-request-id", this.#in.requestId],
      ],
      response.body,
    );
  }
}
