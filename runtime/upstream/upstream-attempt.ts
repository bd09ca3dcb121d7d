/**
 * One upstream attempt as an undici dispatch handler: no promise, no stream object,
 * just callbacks into its owner. Error responses (status ≥ 400) and non-streamed
 * bodies are collected here; streamed 2xx bodies are handed over chunk by chunk so
 * the owner can relay them with backpressure.
 *
 * It implements undici's original handler callbacks (onConnect … onComplete), the ones
 * undici's core calls natively. The newer controller callbacks are a wrapper around
 * them that costs two objects per attempt and a string copy of every response header,
 * for headers that are only read on errors. The attempt is its own controller.
 */
import type { Dispatcher } from "undici";
import type { IncomingHttpHeaders } from "node:http";
import { classifyError, deadlineError, parseRetryAfter, type AttemptFailure } from "./attempt-failure.js";
import type { PoolWaits, Waiter } from "./pool-waits.js";

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({});

/** Largest error body kept from an upstream (enough for any JSON error object). */
const MAX_ERROR_BODY = 64 * 1024;

/** What the owner may do to a running attempt: hold the upstream body (backpressure) and release it. */
export interface AttemptController {
  pause(): void;
  resume(): void;
}

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

export class UpstreamAttempt implements Dispatcher.DispatchHandler, AttemptController, Waiter {
  readonly owner: AttemptOwner;
  status = 0;
  contentType = "application/json";
  retryAfter: number | undefined = undefined;
  /** Response headers of an error status (≥ 400), for the adapter's classification; empty otherwise. */
  headers: IncomingHttpHeaders = NO_HEADERS;
  /** True once any 2xx body byte was handed to the owner. */
  relayed = false;
  /** A concurrency slot this attempt holds (see concurrency-limiter.ts), given back when it settles. */
  slot: { release(): void } | null = null;
  /** The pool queue this attempt waits in until it is on a connection (set by UpstreamPool.dispatch), else null. */
  waits: PoolWaits | null = null;
  /** Implements {@link Waiter}. */
  waitingSince = -1;
  queueIndex = 0;
  #chunks: Buffer[] = [];
  #size = 0;
  #settled = false;
  #deadline: NodeJS.Timeout;
  /** undici's abort for this request, once it is on a connection. */
  #abort: ((err?: Error) => void) | null = null;
  #resume: (() => void) | null = null;
  #paused = false;

  constructor(owner: AttemptOwner, totalMs: number) {
    this.owner = owner;
    this.#deadline = setTimeout(() => this.abort(deadlineError()), totalMs);
  }

  /** The attempt's controller once it runs on a connection (pause/resume its body), else null. */
  get controller(): AttemptController | null {
    return this.#abort === null ? null : this;
  }

  /** Aborts the attempt (client gone, deadline); reported through onError. */
  abort(reason: Error): void {
    if (this.#abort !== null) this.#abort(reason);
    else this.#fail(classifyError(reason, false));
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#resume?.();
  }

  onConnect(abort: (err?: Error) => void): void {
    this.#leaveQueue(true);
    this.#abort = abort;
    if (this.#settled) abort(new Error("attempt already settled"));
    else if (this.owner.clientGone) abort(new Error("client disconnected"));
  }

  onHeaders(statusCode: number, raw: Buffer[], resume: () => void): boolean {
    this.status = statusCode;
    this.#resume = resume;
    if (statusCode >= 400) {
      const headers = headersOf(raw);
      this.headers = headers;
      const type = headers["content-type"];
      if (typeof type === "string") this.contentType = type;
      if (statusCode === 429 || statusCode === 503) this.retryAfter = parseRetryAfter(headers["retry-after"]);
    } else {
      // Only the content type of a success matters (it is relayed): no header object.
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i]!;
        if (name.length === 12 && name.toString("latin1").toLowerCase() === "content-type") this.contentType = raw[i + 1]!.toString("latin1");
      }
    }
    return !this.#paused;
  }

  onData(chunk: Buffer): boolean {
    if (this.#settled) return true;
    if (this.status >= 200 && this.status < 300 && this.owner.streaming) {
      this.relayed = true;
      this.owner.onStreamChunk(this, chunk);
      return !this.#paused;
    }
    if (this.status >= 400 && this.#size >= MAX_ERROR_BODY) return true;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    return true;
  }

  onComplete(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#leaveQueue(false);
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

  onError(err: Error): void {
    this.#fail(classifyError(err, this.status !== 0));
  }

  /** Implements {@link Waiter.waitedTooLong}: every connection stayed busy past the pool's bound. */
  waitedTooLong(waitedMs: number): void {
    this.#fail({ kind: "saturated", detail: `no free connection after ${Math.round(waitedMs)} ms (timeouts.connectionWait)` });
  }

  #fail(failure: AttemptFailure): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#leaveQueue(false);
    clearTimeout(this.#deadline);
    this.#releaseSlot();
    this.#chunks = [];
    this.owner.onFailure(this, failure);
  }

  #leaveQueue(connected: boolean): void {
    const waits = this.waits;
    if (waits === null) return;
    this.waits = null;
    waits.left(this, connected);
  }

  #releaseSlot(): void {
    const slot = this.slot;
    this.slot = null;
    slot?.release();
  }
}

/** undici's raw header list as Node's header object: lower-case names, repeated names as arrays (no prototype: a `__proto__` header is just a name). */
function headersOf(raw: Buffer[]): IncomingHttpHeaders {
  const headers = Object.create(null) as Record<string, string | string[]>;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString("latin1").toLowerCase();
    const value = raw[i + 1]!.toString("latin1");
    const prev = headers[name];
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return headers as IncomingHttpHeaders;
}
