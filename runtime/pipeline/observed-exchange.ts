/**
 * An Exchange decorator that feeds a RequestRecord: it tags every response with the
 * plan's precomputed `x-tollgate-plan` header, notes the first byte, and finishes the
 * record exactly once, when the response ends or the client disconnects. Wrapping the
 * exchange, rather than instrumenting each exit of the pipeline, means no code path
 * (early 4xx, 5xx, stream end, abort) can forget to report or to release its plan.
 */
import type { BodyFailure, Exchange, HeaderList } from "../server/exchange.js";
import { CLIENT_CLOSED, type RequestRecord } from "../base/request-record.js";

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

  constructor(inner: Exchange, record: RequestRecord, closeAfter: boolean) {
    this.#inner = inner;
    this.record = record;
    this.#closeAfter = closeAfter;
    this.method = inner.method;
    this.path = inner.path;
    this.headers = inner.headers;
    inner.extraHeaders = record.served.headers;
    inner.onAbort(() => {
      const cb = this.#abortCb;
      this.#abortCb = null;
      cb?.();
      this.record.finish(CLIENT_CLOSED);
    });
  }

  get aborted(): boolean {
    return this.#inner.aborted;
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
    if (this.#inner.aborted || this.#inner.started) return;
    this.record.firstByte();
    this.#inner.send(status, headers, body, close || this.#closeAfter);
    this.record.finish(status);
  }

  beginStream(status: number, headers: HeaderList): void {
    if (this.#inner.aborted || this.#inner.started) return;
    this.#status = status;
    this.record.firstByte();
    this.#inner.beginStream(status, headers);
  }

  write(chunk: string | Uint8Array): boolean {
    return this.#inner.write(chunk);
  }

  onDrain(cb: () => void): void {
    this.#inner.onDrain(cb);
  }

  end(): void {
    if (this.#inner.aborted) return;
    this.#inner.end();
    this.record.finish(this.#status);
  }

  writeAndEnd(chunk: string | Uint8Array): void {
    if (this.#inner.aborted) return;
    if (this.#inner.writeAndEnd === undefined) {
      this.#inner.write(chunk);
      this.#inner.end();
    } else this.#inner.writeAndEnd(chunk);
    this.record.finish(this.#status);
  }
}
