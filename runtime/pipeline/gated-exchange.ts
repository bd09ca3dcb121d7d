/**
 * Parallel moderation: the upstream request starts at once, and its answer is held
 * here until the moderation verdict arrives. An Exchange decorator, so ChatCall needs
 * no knowledge of it: until `release()` every response call is queued (writes report
 * success, so nothing pauses on an unsent buffer); `release()` replays them in order;
 * `refuse(err)` runs the abort callbacks (ChatCall then cancels its upstream attempt)
 * and answers with the error instead. The client never sees a byte of an answer whose
 * prompt was refused.
 */
import type { BodyFailure, Exchange, HeaderList } from "../server/exchange.js";
import type { GatewayError } from "../base/errors.js";
import { sendError } from "./respond.js";

export class GatedExchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly #inner: Exchange;
  readonly #requestId: string;
  #queue: (() => void)[] | null = [];
  #startedHere = false;
  #abortCb: (() => void) | null = null;
  #drainCb: (() => void) | null = null;

  constructor(inner: Exchange, requestId: string) {
    this.#inner = inner;
    this.#requestId = requestId;
    this.method = inner.method;
    this.path = inner.path;
    this.headers = inner.headers;
    inner.onAbort(() => this.#abortCb?.());
  }

  get aborted(): boolean {
    return this.#inner.aborted;
  }

  get started(): boolean {
    return this.#queue === null ? this.#inner.started : this.#startedHere;
  }

  get extraHeaders(): HeaderList {
    return this.#inner.extraHeaders;
  }

  set extraHeaders(value: HeaderList) {
    this.#inner.extraHeaders = value;
  }

  onAbort(cb: () => void): void {
    this.#abortCb = cb;
  }

  readBody(maxBytes: number): Promise<Buffer | BodyFailure> {
    return this.#inner.readBody(maxBytes);
  }

  send(status: number, headers: HeaderList, body: string | Uint8Array, close?: boolean): void {
    if (this.#queue === null) return this.#inner.send(status, headers, body, close);
    this.#startedHere = true;
    this.#queue.push(() => this.#inner.send(status, headers, body, close));
  }

  beginStream(status: number, headers: HeaderList): void {
    if (this.#queue === null) return this.#inner.beginStream(status, headers);
    this.#startedHere = true;
    this.#queue.push(() => this.#inner.beginStream(status, headers));
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.#queue === null) return this.#inner.write(chunk);
    this.#queue.push(() => void this.#inner.write(chunk));
    return true;
  }

  onDrain(cb: () => void): void {
    if (this.#queue === null) return this.#inner.onDrain(cb);
    this.#drainCb = cb;
  }

  close(): void {
    this.#inner.close();
  }

  end(): void {
    if (this.#queue === null) return this.#inner.end();
    this.#queue.push(() => this.#inner.end());
  }

  /** A gate on `inner` that opens when `verdict` settles: released on null, refused with the error otherwise. */
  static until(inner: Exchange, requestId: string, verdict: Promise<GatewayError | null>): GatedExchange {
    const gate = new GatedExchange(inner, requestId);
    void verdict.then((err) => (err === null ? gate.release() : gate.refuse(err)));
    return gate;
  }

  /** The verdict allows the answer: send what was queued, then pass calls straight through. */
  release(): void {
    const queue = this.#queue;
    if (queue === null) return;
    this.#queue = null;
    for (const call of queue) call();
    const drain = this.#drainCb;
    this.#drainCb = null;
    drain?.();
  }

  /** The verdict refuses the request: cancel the upstream work and answer with `err`. */
  refuse(err: GatewayError): void {
    if (this.#queue === null) return;
    this.#queue = null;
    const abort = this.#abortCb;
    this.#abortCb = null;
    abort?.();
    if (!this.#inner.aborted && !this.#inner.started) sendError(this.#inner, this.#requestId, err);
  }
}
