/**
 * Runs a response stage on whatever ChatCall sends, as an Exchange decorator: stream
 * bytes go through `pushStream`, the end through `endStream`, a whole 200 JSON body
 * through `transformBody`. The stream head is sent only once the stage releases its
 * first bytes, so a stage that stops the answer before that turns it into a clean
 * error response; after it, the stream ends with an `error` event and no `[DONE]`.
 * Either way the upstream attempt is cancelled (through the abort callback ChatCall
 * registered), so a blocked answer stops costing tokens.
 */
import type { ResponseStage } from "../pipeline/response-stage.js";
import { errorObject, type GatewayError } from "../server/errors.js";
import type { BodyFailure, Exchange, HeaderList } from "../server/exchange.js";
import { sendError } from "../server/respond.js";

export class StagedExchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly #inner: Exchange;
  readonly #stage: ResponseStage;
  readonly #requestId: string;
  /** The stream head, held until the stage releases bytes. */
  #head: { status: number; headers: HeaderList } | null = null;
  #stopped = false;
  #abortCb: (() => void) | null = null;

  constructor(inner: Exchange, stage: ResponseStage, requestId: string) {
    this.#inner = inner;
    this.#stage = stage;
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
    return this.#head !== null || this.#inner.started;
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
    if (this.#stopped) return;
    if (status !== 200) return this.#inner.send(status, headers, body, close);
    const out = this.#stage.transformBody(Buffer.from(body));
    const err = this.#stage.error;
    if (err !== null) return this.#stop(err);
    this.#inner.send(status, headers, out, close);
  }

  beginStream(status: number, headers: HeaderList): void {
    if (this.#stopped) return;
    if (status !== 200) return this.#inner.beginStream(status, headers);
    this.#head = { status, headers };
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.#stopped) return true;
    if (this.#head === null) return this.#inner.write(chunk);
    const out = this.#stage.pushStream(Buffer.from(chunk));
    if (out !== null) this.#commit();
    const ok = out === null ? true : this.#inner.write(out);
    const err = this.#stage.error;
    if (err !== null) this.#stop(err);
    return ok;
  }

  onDrain(cb: () => void): void {
    this.#inner.onDrain(cb);
  }

  end(): void {
    if (this.#stopped) return;
    if (this.#head === null) return this.#inner.end();
    const out = this.#stage.endStream(true);
    const err = this.#stage.error;
    if (err !== null) return this.#stop(err);
    this.#commit();
    if (out !== null) this.#inner.write(out);
    this.#inner.end();
  }

  /** Sends the held stream head once. */
  #commit(): void {
    if (this.#inner.started || this.#head === null) return;
    this.#inner.beginStream(this.#head.status, this.#head.headers);
  }

  /** The stage stopped the answer: cancel the upstream, answer with the error. */
  #stop(err: GatewayError): void {
    this.#stopped = true;
    const abort = this.#abortCb;
    this.#abortCb = null;
    abort?.();
    if (this.#inner.aborted) return;
    if (!this.#inner.started) {
      sendError(this.#inner, this.#requestId, err);
      return;
    }
    this.#inner.write(`data: ${JSON.stringify({ error: errorObject(err) })}\n\n`);
    this.#inner.end();
  }
}
