/**
 * The canonical stream (OpenAI chunks) → the Anthropic event stream, in the documented
 * order: `message_start`, then per content block `content_block_start`,
 * `content_block_delta`…, `content_block_stop`, then `message_delta` (stop_reason and the
 * whole usage) and `message_stop`. The finish chunk only records the stop reason: the
 * usage chunk that follows it (always requested upstream) completes `message_delta`.
 * A canonical `{"error":…}` event becomes `event: error`, which the Anthropic SDK throws.
 */
import { SseParser } from "../../../canonical/sse-parser.js";
import { stopReasonOf } from "../finish-reason.js";
import { anthropicUsage, errorEvent, messageId } from "./encode-response.js";

type Obj = Record<string, unknown>;
type BlockKind = "text" | "thinking" | "tool";

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function event(type: string, data: Obj): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

export class AnthropicStreamEncoder {
  readonly #parser = new SseParser();
  #started = false;
  /** Index of the open content block, -1 when none. */
  #open = -1;
  #openKind: BlockKind | null = null;
  #blocks = 0;
  /** Canonical tool-call index → Anthropic block index. */
  readonly #toolBlocks = new Map<number, number>();
  #stopReason: string | null = null;
  #usage: Obj | null = null;
  #done = false;

  /** True once message_stop (or an error event) was written. */
  get finished(): boolean {
    return this.#done;
  }

  push(chunk: Buffer | string): string {
    let out = "";
    for (const e of this.#parser.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)) out += this.#data(e.data);
    return out;
  }

  /** The canonical stream ended: nothing more, unless it stopped without `[DONE]` (then the caller wrote an error). */
  end(): string {
    let out = "";
    for (const e of this.#parser.end()) out += this.#data(e.data);
    return out;
  }

  #data(data: string): string {
    if (this.#done) return "";
    if (data === "[DONE]") return this.#finish();
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return "";
    }
    if (!isObj(chunk)) return "";
    if (chunk["error"] !== undefined) {
      this.#done = true;
      return errorEvent(chunk["error"]);
    }
    let out = "";
    if (!this.#started) {
      this.#started = true;
      out += event("message_start", {
        message: {
          id: messageId(chunk["id"]),
          type: "message",
          role: "assistant",
          model: chunk["model"],
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      });
    }
    if (chunk["usage"] !== undefined && chunk["usage"] !== null) this.#usage = anthropicUsage(chunk["usage"]);
    const choices = Array.isArray(chunk["choices"]) ? (chunk["choices"] as unknown[]) : [];
    const choice = choices[0];
    if (!isObj(choice)) return out;
    const delta = isObj(choice["delta"]) ? choice["delta"] : {};
    if (typeof delta["reasoning_content"] === "string" && delta["reasoning_content"] !== "") {
      out += this.#ensure("thinking", { type: "thinking", thinking: "", signature: "" });
      out += event("content_block_delta", { index: this.#open, delta: { type: "thinking_delta", thinking: delta["reasoning_content"] } });
    }
    if (typeof delta["content"] === "string" && delta["content"] !== "") {
      out += this.#ensure("text", { type: "text", text: "" });
      out += event("content_block_delta", { index: this.#open, delta: { type: "text_delta", text: delta["content"] } });
    }
    if (Array.isArray(delta["tool_calls"])) {
      for (const call of delta["tool_calls"] as unknown[]) if (isObj(call)) out += this.#toolCall(call);
    }
    if (typeof choice["finish_reason"] === "string") {
      this.#stopReason = stopReasonOf(choice["finish_reason"]);
      out += this.#close();
    }
    return out;
  }

  #toolCall(call: Obj): string {
    const index = typeof call["index"] === "number" ? call["index"] : 0;
    const fn = isObj(call["function"]) ? call["function"] : {};
    let out = "";
    let block = this.#toolBlocks.get(index);
    if (block === undefined) {
      out += this.#close();
      block = this.#blocks++;
      this.#toolBlocks.set(index, block);
      this.#open = block;
      this.#openKind = "tool";
      out += event("content_block_start", {
        index: block,
        content_block: { type: "tool_use", id: String(call["id"] ?? `toolu_${index}`), name: String(fn["name"] ?? ""), input: {} },
      });
    }
    const args = fn["arguments"];
    if (typeof args === "string" && args !== "") out += event("content_block_delta", { index: block, delta: { type: "input_json_delta", partial_json: args } });
    return out;
  }

  /** Opens a block of `kind` unless one is open. */
  #ensure(kind: BlockKind, contentBlock: Obj): string {
    if (this.#openKind === kind) return "";
    const out = this.#close();
    this.#open = this.#blocks++;
    this.#openKind = kind;
    return out + event("content_block_start", { index: this.#open, content_block: contentBlock });
  }

  #close(): string {
    if (this.#open < 0) return "";
    const out = event("content_block_stop", { index: this.#open });
    this.#open = -1;
    this.#openKind = null;
    return out;
  }

  #finish(): string {
    this.#done = true;
    let out = this.#started
      ? ""
      : event("message_start", {
          message: {
            id: "msg_gateway",
            type: "message",
            role: "assistant",
            model: null,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        });
    out += this.#close();
    out += event("message_delta", { delta: { stop_reason: this.#stopReason ?? "end_turn", stop_sequence: null }, usage: this.#usage ?? { output_tokens: 0 } });
    return out + event("message_stop", {});
  }
}
