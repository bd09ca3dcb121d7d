/**
 * Anthropic SSE events → canonical chunks (docs/providers.md#anthropic-messages):
 * `message_start` (id, model, input usage) → the role chunk; `content_block_start`
 * (tool_use: id, name) → the first tool-call fragment; `content_block_delta`
 * (text_delta / input_json_delta / thinking_delta) → content / arguments / reasoning;
 * `message_delta` (stop_reason, cumulative usage) → the finish chunk; `message_stop` →
 * the usage chunk (when the client asked) and `[DONE]`. `event: error` inside the 200
 * stream becomes a classified error; `ping` is ignored.
 *
 * A tool call whose input streamed no JSON (a tool without parameters) gets the
 * arguments `"{}"` when its block stops, as OpenAI sends: `JSON.parse("")` throws in
 * clients' tool runners. A stream that stops with no content and no stop reason is a
 * failure (the attempt falls back), never an empty answer.
 */
import type { StreamDecoder } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { emptyUsage, type Usage } from "../../base/usage.js";
import { ChunkWriter, DONE, type FinishReason } from "../../canonical/chat-stream.js";
import { isRecord } from "../../canonical/provider-error.js";
import { SseParser, type SseEvent } from "../../canonical/sse-parser.js";
import { streamEventTooLarge } from "../../canonical/stream-limits.js";
import { anthropicError } from "./errors.js";
import { finishReasonOf } from "./finish-reason.js";
import { applyAnthropicUsage } from "./usage.js";

export class AnthropicStreamDecoder implements StreamDecoder {
  readonly #parser = new SseParser();
  readonly #model: string;
  readonly #wantsUsage: boolean;
  #writer: ChunkWriter | null = null;
  /** Content block index → tool call index (tool_use blocks only). */
  readonly #toolIndex = new Map<number, number>();
  /** Tool call indexes whose arguments have not streamed anything yet. */
  readonly #noArgs = new Set<number>();
  #tools = 0;
  #finished = false;
  #usage: Usage | null = null;
  /**
   * The role chunk, held back until the first content: an `overloaded_error` right after
   * `message_start` then reaches the gateway before anything reached the client, so it
   * can still fall back to another target.
   */
  #held = "";
  error: ProviderError | null = null;
  complete = false;
  outputChars = 0;

  constructor(model: string, clientWantsUsage: boolean) {
    this.#model = model;
    this.#wantsUsage = clientWantsUsage;
  }

  get usage(): Usage | null {
    return this.#usage;
  }

  push(chunk: Buffer): Buffer | null {
    const out = this.#emit(this.#parser.push(chunk));
    if (this.#parser.tooLarge) this.error ??= streamEventTooLarge("anthropic");
    return out;
  }

  end(): Buffer | null {
    if (this.#parser.tooLarge) return null;
    return this.#emit(this.#parser.end());
  }

  #emit(events: SseEvent[]): Buffer | null {
    if (events.length === 0) return null;
    let out = "";
    for (const e of events) {
      if (this.error !== null || this.complete) break;
      out += this.#event(e);
    }
    if (out === "") return null;
    out = this.#held + out;
    this.#held = "";
    return Buffer.from(out);
  }

  #writerFor(id: string, model: string): ChunkWriter {
    this.#writer ??= new ChunkWriter(id, model, Math.floor(Date.now() / 1000), this.#wantsUsage);
    return this.#writer;
  }

  #event(e: SseEvent): string {
    let data: unknown;
    try {
      data = JSON.parse(e.data);
    } catch {
      this.error = { class: "server", status: 200, message: "anthropic: a stream event is not valid JSON", code: null, retryAfterMs: null };
      return "";
    }
    if (!isRecord(data)) return "";
    const type = typeof data["type"] === "string" ? data["type"] : e.event;
    switch (type) {
      case "message_start": {
        const msg = isRecord(data["message"]) ? data["message"] : {};
        this.#usage ??= emptyUsage();
        applyAnthropicUsage(this.#usage, msg["usage"]);
        const w = this.#writerFor(typeof msg["id"] === "string" ? msg["id"] : "msg", typeof msg["model"] === "string" ? msg["model"] : this.#model);
        this.#held = w.role();
        return "";
      }
      case "content_block_start": {
        const block = isRecord(data["content_block"]) ? data["content_block"] : {};
        const w = this.#writerFor("msg", this.#model);
        if (block["type"] === "tool_use") {
          const index = this.#tools++;
          this.#toolIndex.set(Number(data["index"]), index);
          // Streams announce `input: {}` and send the JSON as deltas; an input given whole is sent whole.
          const input = block["input"];
          const args = isRecord(input) && Object.keys(input).length > 0 ? JSON.stringify(input) : "";
          if (args === "") this.#noArgs.add(index);
          this.outputChars += args.length;
          return w.toolCallStart(index, String(block["id"] ?? ""), String(block["name"] ?? ""), args);
        }
        if (block["type"] === "text" && typeof block["text"] === "string" && block["text"] !== "") {
          this.outputChars += block["text"].length;
          return w.text(block["text"]);
        }
        return "";
      }
      case "content_block_delta": {
        const delta = isRecord(data["delta"]) ? data["delta"] : {};
        const w = this.#writerFor("msg", this.#model);
        if (delta["type"] === "text_delta" && typeof delta["text"] === "string") {
          this.outputChars += delta["text"].length;
          return w.text(delta["text"]);
        }
        if (delta["type"] === "input_json_delta" && typeof delta["partial_json"] === "string" && delta["partial_json"] !== "") {
          const index = this.#toolIndex.get(Number(data["index"]));
          if (index === undefined) return "";
          this.#noArgs.delete(index);
          this.outputChars += delta["partial_json"].length;
          return w.toolCallArgs(index, delta["partial_json"]);
        }
        if (delta["type"] === "thinking_delta" && typeof delta["thinking"] === "string") {
          this.outputChars += delta["thinking"].length;
          return w.reasoning(delta["thinking"]);
        }
        return "";
      }
      case "content_block_stop": {
        const index = this.#toolIndex.get(Number(data["index"]));
        return index === undefined ? "" : this.#emptyArgs(index);
      }
      case "message_delta": {
        const delta = isRecord(data["delta"]) ? data["delta"] : {};
        this.#usage ??= emptyUsage();
        applyAnthropicUsage(this.#usage, data["usage"]);
        if (delta["stop_reason"] === undefined || delta["stop_reason"] === null) return "";
        return this.#finish(finishReasonOf(delta["stop_reason"]));
      }
      case "message_stop": {
        if (!this.#finished && this.outputChars === 0 && this.#tools === 0) {
          this.error = { class: "server", status: 200, message: "anthropic: the stream stopped with no content and no stop reason", code: null, retryAfterMs: null };
          return "";
        }
        const finish = this.#finished ? "" : this.#finish("stop");
        this.complete = true;
        const w = this.#writerFor("msg", this.#model);
        return finish + (this.#wantsUsage && this.#usage !== null ? w.usage(this.#usage) : "") + DONE;
      }
      case "error":
        this.error = anthropicError(data["error"], 200, null);
        return "";
      default:
        // ping, and event types added after this was written.
        return "";
    }
  }

  /** `"{}"` for tool call `index` when its arguments streamed nothing (a tool without parameters). */
  #emptyArgs(index: number): string {
    if (!this.#noArgs.delete(index)) return "";
    this.outputChars += 2;
    return this.#writerFor("msg", this.#model).toolCallArgs(index, "{}");
  }

  /** The finish chunk, after `"{}"` for any tool call still without arguments. */
  #finish(reason: FinishReason): string {
    let out = "";
    for (const index of [...this.#noArgs]) out += this.#emptyArgs(index);
    this.#finished = true;
    return out + this.#writerFor("msg", this.#model).finish(reason);
  }
}
