/**
 * The one step that keeps the gateway's own secrets from its clients: an Exchange
 * decorator, closest to the socket, through which every byte of every response passes
 * (a relayed answer or upstream error, a streamed error event, a translated Anthropic
 * answer, header values), scrubbed of every credential the process holds and of the
 * usual truncations and masks of one (base/scrub-secrets.ts). Wrapping the exchange,
 * rather than scrubbing where upstream text is copied into an answer, means no present
 * or future path (an adapter's error mapping, a new endpoint) can forget it; it is
 * installed only when the process holds a secret at all.
 */
import type { BodyFailure, Exchange, HeaderList } from "../server/exchange.js";
import { scrubBytes, scrubSecrets, SecretStreamScrub } from "../base/scrub-secrets.js";
import { ForwardingExchange } from "./forwarding-exchange.js";

function scrubHeaders(headers: HeaderList): HeaderList {
  let out: (readonly [string, string])[] | null = null;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    const clean = scrubSecrets(value);
    if (clean === value && out === null) continue;
    out ??= headers.slice(0, i);
    out.push([name, clean]);
  }
  return out ?? headers;
}

function scrubBody(body: string | Uint8Array): string | Uint8Array {
  if (typeof body === "string") return scrubSecrets(body);
  return scrubBytes(Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

const asBuffer = (chunk: string | Uint8Array): Buffer =>
  typeof chunk === "string" ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

export class ScrubbedExchange extends ForwardingExchange {
  #stream: SecretStreamScrub | null = null;

  constructor(inner: Exchange) {
    super(inner);
  }

  override send(status: number, headers: HeaderList, body: string | Uint8Array, close?: boolean): void {
    this.inner.send(status, scrubHeaders(headers), scrubBody(body), close);
  }

  override beginStream(status: number, headers: HeaderList): void {
    this.#stream = new SecretStreamScrub();
    this.inner.beginStream(status, scrubHeaders(headers));
  }

  override write(chunk: string | Uint8Array): boolean {
    const out = this.#stream === null ? scrubBytes(asBuffer(chunk)) : this.#stream.push(asBuffer(chunk));
    return out.length === 0 ? true : this.inner.write(out);
  }

  override end(): void {
    const rest = this.#stream?.end() ?? null;
    if (rest !== null && rest.length > 0) this.inner.write(rest);
    this.inner.end();
  }

  writeAndEnd(chunk: string | Uint8Array): void {
    const head = this.#stream === null ? scrubBytes(asBuffer(chunk)) : this.#stream.push(asBuffer(chunk));
    const rest = this.#stream?.end() ?? null;
    const out = rest === null || rest.length === 0 ? head : Buffer.concat([head, rest]);
    if (this.inner.writeAndEnd !== undefined) return this.inner.writeAndEnd(out);
    if (out.length > 0) this.inner.write(out);
    this.inner.end();
  }
}
