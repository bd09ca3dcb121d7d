/**
 * An Exchange decorator that feeds a RequestRecord: it tags every response with the
 * plan's precomputed `x-tollgate-plan` header, notes the first byte, and finishes the
 * record exactly once, when the response ends or the client disconnects. Wrapping the
 * exchange, rather than instrumenting each exit of the pipeline, means no code path
 * (early 4xx, 5xx, stream end, abort) can forget to report or to release its plan.
 *
 * It also owns the request's one deadline (`listener.requestTimeout`), the invariant
 * that every accepted request ends whatever the upstream or the client does: when it
 * passes, an answer not started is a 504, a started one gets a last error event (SSE)
 * and is cut, the connection closes, and the pipeline is told as if the client had left
 * (its attempts abort, their slots and timers are released). Nothing else in the
 * pipeline needs a timer of its own for that.
 */
import type { BodyFailure, Exchange, HeaderList } from "../server/exchange.js";
import { CLIENT_CLOSED, type RequestRecord } from "../base/request-record.js";
import { errorBody, gatewayError } from "../base/errors.js";
import { log } from "../base/log.js";

export class ObservedExchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly record: RequestRecord;
  #inner: Exchange;
  /** Ask the client to close the connection after the response (draining). */
  #closeAfter: boolean;
  #status = 0;
  #abortCb: (() => void) | null = null;
  /** The request deadline, cleared when the record finishes. */
  #deadline: NodeJS.Timeout | null;
  /** The deadline passed: the response is over for the pipeline (it reads as aborted). */
  #expired = false;
  /** A started response is an event stream: the deadline's last word is an error event. */
  #sse = false;

  constructor(inner: Exchange, record: RequestRecord, closeAfter: boolean) {
    this.#inner = inner;
    this.record = record;
    this.#closeAfter = closeAfter;
    this.method = inner.method;
    this.path = inner.path;
    this.headers = inner.headers;
    inner.extraHeaders = record.served.headers;
    inner.onAbort(() => {
      this.#settle();
      const cb = this.#abortCb;
      this.#abortCb = null;
      cb?.();
      this.record.finish(CLIENT_CLOSED);
    });
    const limit = record.served.linked.listener.requestTimeoutMs;
    this.#deadline = setTimeout(() => this.#expire(limit), limit);
  }

  get aborted(): boolean {
    return this.#expired || this.#inner.aborted;
  }

  get started(): boolean {
    return this.#inner.started;
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

  send(status: number, headers: HeaderList, body: string | Uint8Array, close = false): void {
    if (this.aborted || this.#inner.started) return;
    this.record.firstByte();
    this.#inner.send(status, headers, body, close || this.#closeAfter);
    this.#done(status);
  }

  beginStream(status: number, headers: HeaderList): void {
    if (this.aborted || this.#inner.started) return;
    this.#status = status;
    this.#sse = headers.some(([k, v]) => k === "content-type" && v.startsWith("text/event-stream"));
    this.record.firstByte();
    this.#inner.beginStream(status, headers);
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.#expired) return true;
    return this.#inner.write(chunk);
  }

  onDrain(cb: () => void): void {
    this.#inner.onDrain(cb);
  }

  end(): void {
    if (this.aborted) return;
    this.#inner.end();
    this.#done(this.#status);
  }

  writeAndEnd(chunk: string | Uint8Array): void {
    if (this.aborted) return;
    if (this.#inner.writeAndEnd === undefined) {
      this.#inner.write(chunk);
      this.#inner.end();
    } else this.#inner.writeAndEnd(chunk);
    this.#done(this.#status);
  }

  close(): void {
    this.#inner.close();
  }

  /** The response ended: the record finishes and the deadline is disarmed. */
  #done(status: number): void {
    this.#settle();
    this.record.finish(status);
  }

  #settle(): void {
    if (this.#deadline !== null) clearTimeout(this.#deadline);
    this.#deadline = null;
  }

  /** The request deadline passed before the response ended. */
  #expire(limit: number): void {
    this.#deadline = null;
    if (this.#inner.aborted) return;
    this.#expired = true;
    const err = gatewayError("request-deadline", { limit });
    log("warn", "request deadline passed: the request is ended", { requestId: this.record.requestId, limitMs: limit, started: this.#inner.started });
    let status = err.status;
    if (!this.#inner.started) {
      this.record.firstByte();
      this.#inner.send(err.status, [["content-type", "application/json"]], errorBody(err), true);
    } else {
      status = this.#status;
      if (this.#sse) this.#inner.write(`data: ${errorBody(err)}\n\n`);
      this.#inner.close();
    }
    // The pipeline stops as if the client had left: attempts abort, slots and timers go.
    const cb = this.#abortCb;
    this.#abortCb = null;
    cb?.();
    this.record.finish(status);
  }
}
