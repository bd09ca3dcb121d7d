/**
 * One upstream attempt as an undici dispatch handler: no promise, no stream object,
 * just callbacks into its owner. Error responses (status ≥ 400) and non-streamed
 * bodies are collected here; streamed 2xx bodies are handed over chunk by chunk so
 * the owner can relay them with backpressure.
 */
import type { Dispatcher } from "undici";
import type { IncomingHttpHeaders } from "node:http";
import { classifyError, deadlineError, parseRetryAfter, type AttemptFailure } from "./attempt-failure.js";

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({});

/** Largest error body kept from an upstream (enough for any JSON error object). */
const MAX_ERROR_BODY = 64 * 1024;

/** The owner of an attempt: receives its outcome. */
export interface AttemptOwner {
  /** Whether a 2xx body should be relayed as it arrives (true) or collected (false). */
  readonly streaming: boolean;
  /** True when the client went away: the attempt aborts at once. */
  readonly clientGone: boolean;
  onStreamChunk(attempt: UpstreamAttempt, chunk: Buffer): void;
  onSuccess(attempt: UpstreamAttempt, body: Buffer | null): void;
  onFailure(attempt: UpstreamAttempt, failure: AttemptFailure): void;
}

export class UpstreamAttempt implements Dispatcher.DispatchHandler {
  readonly owner: AttemptOwner;
  controller: Dispatcher.DispatchController | null = null;
  status = 0;
  contentType = "application/json";
  retryAfter: number | undefined = undefined;
  /** Response headers of an error status (≥ 400), for the adapter's classification; empty otherwise. */
  headers: IncomingHttpHeaders = NO_HEADERS;
  /** True once any 2xx body byte was handed to the owner. */
  relayed = false;
  /** A concurrency slot this attempt holds (see concurrency-limiter.ts), given back when it settles. */
  slot: { release(): void } | null = null;
  #chunks: Buffer[] = [];
  #size = 0;
  #settled = false;
  #deadline: NodeJS.Timeout;

  constructor(owner: AttemptOwner, totalMs: number) {
    this.owner = owner;
    this.#deadline = setTimeout(() => this.abort(deadlineError()), totalMs);
  }

  /** Aborts the attempt (client gone, deadline); reported through onResponseError. */
  abort(reason: Error): void {
    if (this.controller !== null) this.controller.abort(reason);
    else this.#fail(classifyError(reason, false));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.#settled) controller.abort(new Error("attempt already settled"));
    else if (this.owner.clientGone) controller.abort(new Error("client disconnected"));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    const type = headers["content-type"];
    if (typeof type === "string") this.contentType = type;
    if (statusCode === 429 || statusCode === 503) this.retryAfter = parseRetryAfter(headers["retry-after"]);
    if (statusCode >= 400) this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    if (this.status >= 200 && this.status < 300 && this.owner.streaming) {
      this.relayed = true;
      this.owner.onStreamChunk(this, chunk);
      return;
    }
    if (this.status >= 400 && this.#size >= MAX_ERROR_BODY) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#deadline);
    this.#releaseSlot();
    const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size);
    this.#chunks = [];
    if (this.status >= 200 && this.status < 300) {
      this.owner.onSuccess(this, this.owner.streaming ? null : body);
    } else {
      this.owner.onFailure(this, { kind: "status", status: this.status, retryAfter: this.retryAfter, body });
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#fail(classifyError(err, this.status !== 0));
  }

  #fail(failure: AttemptFailure): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#deadline);
    this.#releaseSlot();
    this.#chunks = [];
    this.owner.onFailure(this, failure);
  }

  #releaseSlot(): void {
    const slot = this.slot;
    this.slot = null;
    slot?.release();
  }
}
