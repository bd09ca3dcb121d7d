/**
 * One OpenAI-shaped request besides chat (embeddings, audio) through the gateway: the
 * relay driver of the attempt loop (attempt-loop.ts), so these endpoints retry, fall
 * back per error class, feed the circuit breakers and key ring, honour concurrency
 * limits and deadlines exactly as chat does.
 *
 * An attempt sends the body to the target's upstream as it is (only the model name
 * rewritten when the target names another) and relays the answer as it is. A target
 * whose adapter cannot relay the endpoint is skipped. Usage is read from the answer by
 * the endpoint's `usageOf` (or, for binary answers, known from the request).
 *
 * An adapter whose provider speaks another shape for the endpoint translates it
 * (RelayCapability.translate): the attempt is then the translated upstream calls
 * (relay-calls.ts), and their answers are mapped back to OpenAI's shape with their
 * usage. A target that refuses the request (e.g. token arrays to a text-only
 * provider) is skipped like one without the endpoint; when no target is left and none
 * was tried, the refusal is the answer.
 *
 * Streamed answers (speech audio, streamed transcriptions) commit at their first byte;
 * a failure after that ends the response short (nothing a client could parse can be
 * appended to audio bytes).
 */
import type { RelayEndpoint, RelayTranslation, RelayUpstreamCall } from "../adapters/adapter.js";
import type { ProviderError } from "../canonical/provider-error.js";
import { jsonCallHeaders } from "../adapters/relay-headers.js";
import { isProviderError } from "../canonical/provider-error.js";
import type { LinkedModel, LinkedTarget } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";
import { UpstreamAttempt, type AttemptOwner } from "../upstream/upstream-attempt.js";
import type { RequestRecord } from "../base/request-record.js";
import type { Usage } from "../base/usage.js";
import type { HealthState } from "../reliability/linked-reliability.js";
import { AttemptLoop, type AttemptDriver, type AttemptSpec, type LoopEnd } from "./attempt-loop.js";
import { RelayCalls, type RelayCallsOwner } from "./relay-calls.js";
import { MAX_UPSTREAM_JSON_DEPTH, classifyFailure, outcomeOf, unreadableAnswer } from "./provider-failure.js";
import { jsonDepthWithin } from "../canonical/json-depth.js";
import { sendLoopEnd, sendProviderError } from "./chat-responses.js";
import { sendDegraded } from "./degraded-answer.js";
import type { GatewayError } from "../base/errors.js";
import { sendError } from "./respond.js";

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
  /** Output checks on a buffered 2xx answer: the body to send, or the refusal (absent: sent as it is). */
  screenAnswer?: (body: Buffer) => Buffer | GatewayError;
  /** Usage from a buffered answer; or, for streamed answers, from the request (called with null). */
  usageOf(body: Buffer | null): Usage | null;
  record: RequestRecord;
  /** The plan's health state (breakers, keys). */
  health: HealthState;
  /** The parsed JSON body, for adapters that translate the endpoint; absent (multipart): such targets are skipped. */
  json?: Readonly<Record<string, unknown>>;
  /** The model name the client sent, with `json`. */
  requestedModel?: string;
}

/** One attempt: the client's bytes to the upstream's own path, or a translation into the provider's calls. */
type PreparedRelay = { readonly kind: "direct"; readonly path: string; readonly headers: string[] } | { readonly kind: "translated"; readonly translation: RelayTranslation };

const CLIENT_GONE = new Error("client disconnected");

/** The refusal of a target that does not offer the endpoint. */
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

export class RelayCall implements AttemptOwner, RelayCallsOwner, AttemptDriver<PreparedRelay> {
  readonly streaming: boolean;
  clientGone = false;
  #in: RelayCallInput;
  #loop: AttemptLoop<PreparedRelay>;
  #attempt: UpstreamAttempt | null = null;
  /** The current attempt's translation and its upstream calls, when its adapter translates the endpoint. */
  #translation: RelayTranslation | null = null;
  #calls: RelayCalls | null = null;
  /** A translation's refusal: a better answer than "no such endpoint" when no target could take the request. */
  #refusal: ProviderError | null = null;
  #committed = false;
  #done = false;

  constructor(input: RelayCallInput) {
    this.#in = input;
    this.streaming = input.streamAnswer;
    this.#loop = new AttemptLoop(this, input.model, input.first, input.health, input.record);
    input.exchange.onAbort(() => {
      this.clientGone = true;
      this.#finish();
      this.#attempt?.abort(CLIENT_GONE);
      this.#calls?.abort(CLIENT_GONE);
    });
  }

  start(): void {
    this.#loop.start();
  }

  /** Implements {@link AttemptDriver.prepare}: skips targets without the endpoint; translates where the adapter does. */
  prepare(target: LinkedTarget, key: number): PreparedRelay | ProviderError {
    const input = this.#in;
    const relay = target.upstream.adapter.relay;
    if (relay?.endpoints.includes(input.endpoint) !== true) return unsupported(input.endpoint, input.model);
    const keyIndex = key < 0 ? -1 : key - target.upstream.reliability.keys.first;
    if (relay.translate === undefined) {
      const headers = ["content-type", input.contentType, "x-request-id", input.requestId];
      relay.addAuth(target, headers, keyIndex);
      return { kind: "direct", path: relay.path(target, input.endpoint), headers };
    }
    if (input.json === undefined) return unsupported(input.endpoint, input.model);
    const translated = relay.translate({ target, endpoint: input.endpoint, body: input.json, requestedModel: input.requestedModel ?? input.model.name });
    if (isProviderError(translated)) return (this.#refusal = translated);
    return { kind: "translated", translation: translated };
  }

  /** Implements {@link AttemptDriver.send}. */
  send(prepared: PreparedRelay, spec: AttemptSpec): void {
    const { target } = spec;
    if (prepared.kind === "direct") {
      this.#calls = null;
      this.#translation = null;
      const attempt = new UpstreamAttempt(this, spec.budgetMs);
      attempt.slot = spec.slot;
      this.#attempt = attempt;
      target.upstream.pool.dispatch({ method: "POST", path: prepared.path, headers: prepared.headers, body: this.#in.bodyFor(target) }, attempt);
      return;
    }
    const relay = target.upstream.adapter.relay!;
    const requestId = this.#in.requestId;
    const keyIndex = spec.key < 0 ? -1 : spec.key - target.upstream.reliability.keys.first;
    const headers = (call: RelayUpstreamCall): string[] | Promise<string[]> => {
      const h = jsonCallHeaders(relay, target, call, keyIndex);
      return Array.isArray(h) ? [...h, "x-request-id", requestId] : h.then((signed) => [...signed, "x-request-id", requestId]);
    };
    this.#attempt = null;
    this.#translation = prepared.translation;
    this.#calls = new RelayCalls(this, target, prepared.translation.calls, headers, spec.budgetMs, spec.slot);
    this.#calls.start();
  }

  /** Implements {@link AttemptDriver.racing}: relays never hedge. */
  racing(): boolean {
    return false;
  }

  /** Implements {@link AttemptDriver.takeOver}: nothing races a relay attempt. */
  takeOver(): boolean {
    return false;
  }

  /** Implements {@link AttemptDriver.conclude}. */
  conclude(end: LoopEnd): void {
    if (this.#done) return;
    this.#finish();
    const { exchange, requestId } = this.#in;
    const attempts = this.#loop.attempts;
    if (end.kind === "degraded") {
      // A degraded *answer* is a chat completion; for other endpoints only a degraded error status is meaningful.
      const degraded = this.#in.model.reliability!.degraded!;
      this.#in.record.degraded = degraded.status !== 200;
      if (degraded.status !== 200) return sendDegraded(exchange, degraded, requestId, this.#in.requestedModel ?? this.#in.model.name, false, attempts);
      return sendProviderError(exchange, requestId, this.#loop.lastError ?? unsupported(this.#in.endpoint, this.#in.model), attempts);
    }
    // A translation's refusal says more than "no such endpoint" when no target could take the request.
    const refusal = end.kind === "error" && end.error.code === "unsupported_endpoint" ? this.#refusal : null;
    sendLoopEnd(exchange, requestId, refusal === null ? end : { kind: "error", error: refusal }, attempts);
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
        ["x-tollgate-attempts", String(this.#loop.attempts)],
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
    let usage: ReturnType<RelayCallInput["usageOf"]>;
    try {
      // Audio answers are binary: only a JSON answer is read, and only then can it be too deep.
      if (body !== null && attempt.contentType.includes("json") && !jsonDepthWithin(body, MAX_UPSTREAM_JSON_DEPTH)) throw new RangeError("nested too deep");
      usage = this.#in.usageOf(body);
    } catch (err) {
      return this.#failed(unreadableAnswer(this.#loop.target!.upstream.name, err));
    }
    record.attemptEnded("success");
    record.usage = usage;
    this.#loop.succeeded();
    this.#finish();
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
    const screened = this.#in.screenAnswer?.(body) ?? body;
    if (!Buffer.isBuffer(screened)) return sendError(ex, this.#in.requestId, screened);
    this.#sendAnswer(attempt.contentType, screened);
  }

  /** Implements {@link RelayCallsOwner.onCallsDone}: the translated answer, mapped back to OpenAI's shape; an unreadable one fails the attempt like an error status. */
  onCallsDone(calls: RelayCalls, bodies: readonly Buffer[]): void {
    if (calls !== this.#calls || this.#done) return;
    let answer: ReturnType<RelayTranslation["answer"]>;
    try {
      if (bodies.some((b) => !jsonDepthWithin(b, MAX_UPSTREAM_JSON_DEPTH))) throw new RangeError("nested too deep");
      answer = this.#translation!.answer(bodies);
    } catch (err) {
      return this.#failed(unreadableAnswer(this.#loop.target!.upstream.name, err));
    }
    if (isProviderError(answer)) return this.#failed(answer);
    const record = this.#in.record;
    record.attemptEnded("success");
    record.usage = answer.usage;
    this.#loop.succeeded();
    this.#finish();
    this.#sendAnswer("application/json", answer.body);
  }

  /** Implements {@link RelayCallsOwner.onCallsFailed}. */
  onCallsFailed(calls: RelayCalls, failed: UpstreamAttempt, failure: AttemptFailure): void {
    if (calls !== this.#calls || this.#done) return;
    this.#failed(classifyFailure(this.#loop.target!, failed, failure));
  }

  /** Implements {@link AttemptOwner.onFailure}. */
  onFailure(attempt: UpstreamAttempt, failure: AttemptFailure): void {
    if (attempt !== this.#attempt || this.#done) return;
    this.#failed(classifyFailure(this.#loop.target!, attempt, failure));
  }

  #failed(error: ProviderError): void {
    if (!this.#committed) return this.#loop.failed(error);
    // An answer cut half-way: nothing to append that a client could read; end it short.
    this.#in.record.attemptEnded(outcomeOf(error), error.class);
    this.#loop.noteFailure(this.#loop.target!, this.#loop.key, error);
    this.#finish();
    this.#in.exchange.end();
  }

  #sendAnswer(contentType: string, body: Buffer | string): void {
    this.#in.exchange.send(
      200,
      [
        ["content-type", contentType],
        ["x-request-id", this.#in.requestId],
        ["x-tollgate-attempts", String(this.#loop.attempts)],
      ],
      body,
    );
  }

  #finish(): void {
    this.#done = true;
    this.#loop.close();
  }
}
