/**
 * The Responses API passed through (`POST {base}/responses`), for upstreams that speak
 * it: OpenAI, and Azure OpenAI at its own URLs. The client's request goes out as it
 * came (the model renamed to the target's), and the answer (a `response` object, or
 * its event stream) comes back as it is; the gateway only watches it for usage (in the
 * response, or `response.completed`), the end of the stream and errors, as it does for
 * chat. Stateful features (`previous_response_id`, stored responses, hosted tools) thus
 * work as the provider offers them.
 */
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { ChatRequestContext, DecodedResponse, ResponsesCapability, StreamDecoder, UpstreamRequest } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import type { Usage } from "../../base/usage.js";
import { isRecord, parseJson } from "../../canonical/provider-error.js";
import { normalizeResponsesUsage } from "../../canonical/responses/answer.js";
import { SseParser, type SseEvent } from "../../canonical/sse-parser.js";
import { classifyEmbeddedError } from "./errors.js";
import { openAIHeaders } from "./headers.js";

/** A 2xx answer that is no response: a failure of the attempt (the next target is tried). */
function broken(what: string): ProviderError {
  return { class: "server", status: 200, message: `the upstream answered 200 with ${what}`, code: null, retryAfterMs: null };
}

/** Characters of generated text in a response's output items. */
function outputChars(output: unknown): number {
  let n = 0;
  for (const item of Array.isArray(output) ? (output as unknown[]) : []) {
    if (!isRecord(item)) continue;
    if (typeof item["arguments"] === "string") n += item["arguments"].length;
    for (const part of Array.isArray(item["content"]) ? (item["content"] as unknown[]) : []) if (isRecord(part) && typeof part["text"] === "string") n += part["text"].length;
    for (const part of Array.isArray(item["summary"]) ? (item["summary"] as unknown[]) : []) if (isRecord(part) && typeof part["text"] === "string") n += part["text"].length;
  }
  return n;
}

/** A `response` object answered whole. */
function decodeResponsesBody(body: Buffer): DecodedResponse | ProviderError {
  const parsed = parseJson(body);
  if (!isRecord(parsed)) return broken(body.length === 0 ? "an empty body" : "a body that is not a JSON object");
  if (parsed["object"] !== "response") return classifyEmbeddedError(body) ?? broken("JSON that is not a response");
  return { body, usage: normalizeResponsesUsage(parsed["usage"]), outputChars: outputChars(parsed["output"]) };
}

/** Watches a Responses event stream passing through: usage, the end, errors, characters generated. */
export class ResponsesPassthroughDecoder implements StreamDecoder {
  readonly #parser = new SseParser();
  usage: Usage | null = null;
  error: ProviderError | null = null;
  complete = false;
  outputChars = 0;

  push(chunk: Buffer): Buffer | null {
    for (const e of this.#parser.push(chunk)) this.#event(e);
    return chunk;
  }

  end(): Buffer | null {
    for (const e of this.#parser.end()) this.#event(e);
    return null;
  }

  #event(e: SseEvent): void {
    const data = parseJson(e.data);
    if (!isRecord(data)) return;
    const type = typeof data["type"] === "string" ? data["type"] : e.event;
    if (type.endsWith(".delta") && typeof data["delta"] === "string") {
      this.outputChars += data["delta"].length;
      return;
    }
    switch (type) {
      case "response.completed":
      case "response.incomplete": {
        const response = isRecord(data["response"]) ? data["response"] : {};
        this.usage = normalizeResponsesUsage(response["usage"]) ?? this.usage;
        this.complete = true;
        return;
      }
      case "response.failed": {
        const response = isRecord(data["response"]) ? data["response"] : {};
        this.usage = normalizeResponsesUsage(response["usage"]) ?? this.usage;
        this.error = classifyEmbeddedError(JSON.stringify({ error: response["error"] ?? { message: "the response failed" } })) ?? broken("a failed response");
        return;
      }
      case "error":
        this.error = classifyEmbeddedError(JSON.stringify({ error: isRecord(data["error"]) ? data["error"] : data })) ?? broken("an error event");
        return;
    }
  }
}

/**
 * The Responses capability of an OpenAI-shaped upstream: `path` is where its Responses
 * API lives for a target; `model` what the body's `model` must be (the target's model).
 */
export function responsesCapability(path: (target: LinkedTarget) => string): ResponsesCapability {
  return {
    build(ctx: ChatRequestContext, body: Readonly<Record<string, unknown>>): UpstreamRequest {
      const out = body["model"] === ctx.target.model ? body : { ...body, model: ctx.target.model };
      return { method: "POST", path: path(ctx.target), headers: openAIHeaders(ctx), body: JSON.stringify(out) };
    },
    decode: decodeResponsesBody,
    createStreamDecoder: () => new ResponsesPassthroughDecoder(),
  };
}
