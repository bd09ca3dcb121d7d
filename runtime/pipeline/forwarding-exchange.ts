/**
 * The base of the pipeline's exchange wrappers (secret scrubbing, output moderation,
 * the Anthropic Messages and Responses translations): every member forwards to the
 * wrapped exchange, so a wrapper overrides only what it changes, and a member added to
 * Exchange reaches every wrapper at once. `writeAndEnd` is deliberately not forwarded:
 * a wrapper that rewrites `write` would be bypassed by it (callers fall back to write +
 * end when it is absent).
 */
import type { BodyFailure, Exchange, HeaderList } from "../server/exchange.js";

export class ForwardingExchange<E extends Exchange = Exchange> implements Exchange {
  protected readonly inner: E;

  constructor(inner: E) {
    this.inner = inner;
  }

  get method(): string {
    return this.inner.method;
  }
  get path(): string {
    return this.inner.path;
  }
  get headers(): Readonly<Record<string, string>> {
    return this.inner.headers;
  }
  get aborted(): boolean {
    return this.inner.aborted;
  }
  get started(): boolean {
    return this.inner.started;
  }
  get extraHeaders(): HeaderList {
    return this.inner.extraHeaders;
  }
  set extraHeaders(value: HeaderList) {
    this.inner.extraHeaders = value;
  }

  onAbort(cb: () => void): void {
    this.inner.onAbort(cb);
  }

  readBody(maxBytes: number): Promise<Buffer | BodyFailure> {
    return this.inner.readBody(maxBytes);
  }

  send(status: number, headers: HeaderList, body: string | Uint8Array, close?: boolean): void {
    this.inner.send(status, headers, body, close);
  }

  beginStream(status: number, headers: HeaderList): void {
    this.inner.beginStream(status, headers);
  }

  write(chunk: string | Uint8Array): boolean {
    return this.inner.write(chunk);
  }

  onDrain(cb: () => void): void {
    this.inner.onDrain(cb);
  }

  end(): void {
    this.inner.end();
  }

  /** Closes the connection at once (the request deadline, a client that stopped reading). */
  close(): void {
    this.inner.close();
  }
}
