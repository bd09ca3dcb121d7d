/**
 * `POST /v1/messages` without a second pipeline: an Exchange decorator around the chat
 * pipeline. Reading the body translates the Anthropic request into the canonical one;
 * whatever the pipeline answers (a completion, an error, a stream of OpenAI chunks) is
 * translated back into Anthropic's shapes on the way out. The client may send its key
 * as `x-api-key` (the Anthropic SDK's way) or `Authorization: Bearer`.
 */
import type { Exchange, HeaderList } from "../server/exchange.js";
import type { RequestRecord } from "../base/request-record.js";
import { decodeMessagesRequest } from "../adapters/anthropic/inbound/decode-request.js";
import { encodeError, encodeMessage } from "../adapters/anthropic/inbound/encode-response.js";
import { AnthropicStreamEncoder } from "../adapters/anthropic/inbound/encode-stream.js";
import { JSON_TYPE, SSE_TYPE, TranslatingExchange, parseJson, withType } from "./translating-exchange.js";

export class AnthropicMessagesExchange extends TranslatingExchange {
  /** The request headers, `x-api-key` read as a bearer token (Anthropic's clients send their key there). */
  readonly #headers: Readonly<Record<string, string>>;
  #encoder: AnthropicStreamEncoder | null = null;

  constructor(inner: Exchange & { readonly record: RequestRecord }, maxJsonDepth: number) {
    super(inner, maxJsonDepth);
    const key = inner.headers["x-api-key"];
    this.#headers = inner.headers.authorization === undefined && key !== undefined ? { ...inner.headers, authorization: `Bearer ${key}` } : inner.headers;
  }

  override get headers(): Readonly<Record<string, string>> {
    return this.#headers;
  }

  /** The canonical request for an Anthropic Messages body; an invalid one is answered here (400). */
  protected translateRequest(parsed: unknown): Buffer | "aborted" {
    const decoded = decodeMessagesRequest(parsed);
    if (!decoded.ok) {
      this.inner.send(400, [["content-type", JSON_TYPE]], encodeError(400, { error: { message: decoded.message } }, this.record.requestId));
      return "aborted";
    }
    return Buffer.from(JSON.stringify(decoded.body));
  }

  override send(status: number, headers: HeaderList, body: string | Uint8Array, close?: boolean): void {
    const parsed = parseJson(body);
    const out = status >= 200 && status < 300 ? encodeMessage(parsed) : null;
    const translated =
      out !== null ? JSON.stringify(out) : encodeError(status, parsed, this.record.requestId, status < 300 ? "the upstream answer could not be translated" : undefined);
    this.inner.send(out === null && status < 300 ? 502 : status, withType(headers, JSON_TYPE), translated, close);
  }

  override beginStream(status: number, headers: HeaderList): void {
    this.#encoder = new AnthropicStreamEncoder();
    this.inner.beginStream(status, withType(headers, SSE_TYPE));
  }

  override write(chunk: string | Uint8Array): boolean {
    const out = this.#encoder?.push(typeof chunk === "string" ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)) ?? "";
    return out === "" ? true : this.inner.write(out);
  }

  override end(): void {
    const rest = this.#encoder?.end() ?? "";
    if (rest !== "") this.inner.write(rest);
    this.inner.end();
  }
}
