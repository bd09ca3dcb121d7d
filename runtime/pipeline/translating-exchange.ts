/**
 * The base of the wrappers that serve another API over the chat pipeline (`/v1/messages`,
 * `/v1/responses`): reading the body hands the pipeline the chat translation of the
 * client's request, and each wrapper turns the pipeline's answers back into its API's
 * shapes. Bodies the chat pipeline refuses on its own (not JSON, nested too deep) pass
 * through untouched, so its checks answer them the one way they always do.
 */
import type { BodyFailure, Exchange, HeaderList } from "../server/exchange.js";
import type { RequestRecord } from "../base/request-record.js";
import { jsonDepthWithin } from "../canonical/json-depth.js";
import { ForwardingExchange } from "./forwarding-exchange.js";

export const JSON_TYPE = "application/json";
export const SSE_TYPE = "text/event-stream; charset=utf-8";

/** `headers` with their content type replaced (and a content length dropped: the translated body has its own). */
export function withType(headers: HeaderList, type: string): HeaderList {
  return [["content-type", type], ...headers.filter(([name]) => name !== "content-type" && name !== "content-length")];
}

/** A body parsed as JSON, or null when it is not JSON. */
export function parseJson(body: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof body === "string" ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  } catch {
    return null;
  }
}

export abstract class TranslatingExchange extends ForwardingExchange<Exchange & { readonly record: RequestRecord }> {
  readonly #maxJsonDepth: number;

  constructor(inner: Exchange & { readonly record: RequestRecord }, maxJsonDepth: number) {
    super(inner);
    this.#maxJsonDepth = maxJsonDepth;
  }

  get record(): RequestRecord {
    return this.inner.record;
  }

  /**
   * The chat request for the client's parsed body; or, for a body that is not a valid
   * request of this API, "aborted" after answering it (so the pipeline stops).
   */
  protected abstract translateRequest(parsed: unknown): Buffer | "aborted";

  override readBody(maxBytes: number): Promise<Buffer | BodyFailure> {
    return this.inner.readBody(maxBytes).then((raw) => {
      if (typeof raw === "string" || !jsonDepthWithin(raw, this.#maxJsonDepth)) return raw;
      const parsed = parseJson(raw);
      return parsed === null ? raw : this.translateRequest(parsed);
    });
  }
}
