/**
 * `POST /v1/responses` without a second pipeline: an Exchange decorator around the chat
 * pipeline, as `/v1/messages` is. Reading the body reads the Responses request and hands
 * the pipeline its chat translation, so routing, guardrails, quotas, fallbacks and
 * accounting are chat's; the request itself stays on the exchange (`responses`) for
 * attempts on upstreams that speak the Responses API, which get it as it is.
 *
 * On the way out, what the pipeline answers is turned into the Responses API's shapes:
 * a `chat.completion` into a `response`, a stream of chat chunks into Responses events.
 * An answer that already is one (a passthrough attempt) goes out as it came. Errors are
 * OpenAI's error shape either way.
 */
import type { HeaderList } from "../server/exchange.js";
import { errorBody, gatewayError } from "../base/errors.js";
import { isResponsesRefusal, readResponsesRequest, type ResponsesRequest } from "../canonical/responses/request.js";
import { encodeResponse } from "../canonical/responses/answer.js";
import { ResponsesStreamEncoder } from "../canonical/responses/stream.js";
import { JSON_TYPE, SSE_TYPE, TranslatingExchange, parseJson, withType } from "./translating-exchange.js";

function bytes(chunk: string | Uint8Array): Buffer {
  return typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** A Responses event stream starts with `event: response.` (or a data line of that type); chat chunks never do. */
const NATIVE_STREAM = /^(?::[^\n]*\n|\s)*(?:event:\s*response\.|data:\s*\{"type"\s*:\s*"response\.)/;

export class ResponsesExchange extends TranslatingExchange {
  /** The read request, once the body was read (null before, or when it was refused). */
  responses: ResponsesRequest | null = null;
  /** Streams: null until the first bytes say which kind they are; then the encoder (translated) or "native". */
  #stream: ResponsesStreamEncoder | "native" | null = null;

  /** The chat translation of a Responses body (kept as `responses`); a body that is not a Responses request is answered here (400). */
  protected translateRequest(parsed: unknown): Buffer | "aborted" {
    const read = readResponsesRequest(parsed);
    if (isResponsesRefusal(read)) {
      const err = gatewayError("invalid-request", { reason: read.message }, { param: read.param });
      this.inner.send(err.status, [["content-type", JSON_TYPE]], errorBody(err));
      return "aborted";
    }
    this.responses = read;
    return Buffer.from(JSON.stringify(read.chat));
  }

  override send(status: number, headers: HeaderList, body: string | Uint8Array, close?: boolean): void {
    if (status < 200 || status >= 300) return this.inner.send(status, headers, body, close);
    const parsed = parseJson(body);
    if (typeof parsed === "object" && parsed !== null && (parsed as Record<string, unknown>)["object"] === "response") {
      return this.inner.send(status, withType(headers, JSON_TYPE), body, close);
    }
    const out = encodeResponse(parsed, this.responses?.body ?? {});
    if (out !== null) return this.inner.send(status, withType(headers, JSON_TYPE), JSON.stringify(out), close);
    const err = gatewayError("upstream-failed", { attempts: "the answer could not be translated" });
    this.inner.send(502, withType(headers, JSON_TYPE), errorBody(err), close);
  }

  override beginStream(status: number, headers: HeaderList): void {
    this.inner.beginStream(status, withType(headers, SSE_TYPE));
  }

  override write(chunk: string | Uint8Array): boolean {
    const data = bytes(chunk);
    if (this.#stream === null)
      this.#stream = NATIVE_STREAM.test(data.toString("latin1", 0, Math.min(data.length, 256))) ? "native" : new ResponsesStreamEncoder(this.responses?.body ?? {});
    if (this.#stream === "native") return this.inner.write(data);
    const out = this.#stream.push(data);
    return out === "" ? true : this.inner.write(out);
  }

  override end(): void {
    const encoder = this.#stream;
    if (encoder !== null && encoder !== "native") {
      const rest = encoder.end();
      if (rest !== "") this.inner.write(rest);
    }
    this.inner.end();
  }
}
