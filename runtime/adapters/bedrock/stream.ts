/**
 * ConverseStream event-stream frames → canonical chunks (docs/providers.md#aws-bedrock-converse):
 * `messageStart` → the role chunk; `contentBlockStart` (toolUse id, name) → the first
 * tool-call fragment; `contentBlockDelta` (text / toolUse.input / reasoningContent) →
 * content / arguments / reasoning; `messageStop` (stopReason) → the finish chunk;
 * `metadata` (usage) → the usage chunk when asked, then `[DONE]`. The stream is over
 * once both `messageStop` and `metadata` came, in either order (Bedrock usually sends
 * `metadata` last, but not always), or the body ended after `messageStop`.
 * An exception frame inside the 200 stream becomes a classified error.
 *
 * A tool call whose input streamed nothing (a tool without parameters) gets `"{}"` as
 * its arguments when its block stops, as OpenAI sends. A stream that ends before
 * `messageStop` is incomplete (the attempt falls back before the commit point).
 */
import type { StreamDecoder } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import type { Usage } from "../../base/usage.js";
import { ChunkWriter, DONE } from "../../canonical/chat-stream.js";
import { isRecord } from "../../canonical/provider-error.js";
import { bedrockError } from "./errors.js";
import { FrameDecoder, FrameTooLarge, type Frame } from "./event-stream.js";
import { streamEventTooLarge } from "../../canonical/stream-limits.js";
import { finishReasonOf } from "./finish-reason.js";
import { bedrockUsage } from "./usage.js";

export class ConverseStreamDecoder implements StreamDecoder {
  readonly #frames = new FrameDecoder();
  readonly #writer: ChunkWriter;
  readonly #wantsUsage: boolean;
  /** Content block index → tool call index. */
  readonly #toolIndex = new Map<number, number>();
  /** Tool call indexes whose arguments have not streamed anything yet. */
  readonly #noArgs = new Set<number>();
  #tools = 0;
  #stopped = false;
  /** The `metadata` event came (its usage, if any, is in #usage). */
  #metadata = false;
  #usage: Usage | null = null;
  /** The role chunk, held back until the first content (see the Anthropic decoder: fallback stays possible). */
  #held = "";
  error: ProviderError | null = null;
  complete = false;
  outputChars = 0;

  constructor(model: string, requestId: string, clientWantsUsage: boolean) {
    this.#writer = new ChunkWriter(`chatcmpl-${requestId}`, model, Math.floor(Date.now() / 1000), clientWantsUsage);
    this.#wantsUsage = clientWantsUsage;
  }

  get usage(): Usage | null {
    return this.#usage;
  }

  push(chunk: Buffer): Buffer | null {
    if (this.error !== null || this.complete) return null;
    let frames: Frame[];
    try {
      frames = this.#frames.push(chunk);
    } catch (err) {
      this.error =
        err instanceof FrameTooLarge
          ? streamEventTooLarge("bedrock")
          : { class: "server", status: 200, message: `bedrock: corrupt event-stream frame (${(err as Error).message.slice(0, 120)})`, code: null, retryAfterMs: null };
      return null;
    }
    let out = "";
    for (const f of frames) {
      if (this.error !== null || this.complete) break;
      out += this.#frame(f);
    }
    if (out === "") return null;
    out = this.#held + out;
    this.#held = "";
    return Buffer.from(out);
  }

  end(): Buffer | null {
    // A stream that ends after messageStop without metadata is complete, only without usage.
    if (this.error !== null || this.complete || !this.#stopped || this.#frames.partial) return null;
    const out = this.#held + this.#done();
    this.#held = "";
    return Buffer.from(out);
  }

  /** The end of the stream: the usage chunk when asked, then `[DONE]`. */
  #done(): string {
    this.complete = true;
    return (this.#wantsUsage && this.#usage !== null ? this.#writer.usage(this.#usage) : "") + DONE;
  }

  /** `"{}"` for tool call `index` when its input streamed nothing. */
  #emptyArgs(index: number): string {
    if (!this.#noArgs.delete(index)) return "";
    this.outputChars += 2;
    return this.#writer.toolCallArgs(index, "{}");
  }

  #frame(f: Frame): string {
    let data: unknown;
    try {
      data = JSON.parse(f.payload);
    } catch {
      data = {};
    }
    const d = isRecord(data) ? data : {};
    if (f.messageType !== "event") {
      this.error = bedrockError(f.type, d["message"] ?? d["Message"], 200, null);
      return "";
    }
    const w = this.#writer;
    switch (f.type) {
      case "messageStart":
        this.#held = w.role();
        return "";
      case "contentBlockStart": {
        const start = isRecord(d["start"]) ? d["start"] : {};
        if (!isRecord(start["toolUse"])) return "";
        const index = this.#tools++;
        this.#toolIndex.set(Number(d["contentBlockIndex"]), index);
        this.#noArgs.add(index);
        return w.toolCallStart(index, String(start["toolUse"]["toolUseId"] ?? ""), String(start["toolUse"]["name"] ?? ""), "");
      }
      case "contentBlockDelta": {
        const delta = isRecord(d["delta"]) ? d["delta"] : {};
        if (typeof delta["text"] === "string") {
          this.outputChars += delta["text"].length;
          return delta["text"] === "" ? "" : w.text(delta["text"]);
        }
        if (isRecord(delta["toolUse"]) && typeof delta["toolUse"]["input"] === "string") {
          const index = this.#toolIndex.get(Number(d["contentBlockIndex"]));
          const args = delta["toolUse"]["input"];
          if (index === undefined || args === "") return "";
          this.#noArgs.delete(index);
          this.outputChars += args.length;
          return w.toolCallArgs(index, args);
        }
        if (isRecord(delta["reasoningContent"]) && typeof delta["reasoningContent"]["text"] === "string") {
          this.outputChars += delta["reasoningContent"]["text"].length;
          return w.reasoning(delta["reasoningContent"]["text"]);
        }
        return "";
      }
      case "contentBlockStop": {
        const index = this.#toolIndex.get(Number(d["contentBlockIndex"]));
        return index === undefined ? "" : this.#emptyArgs(index);
      }
      case "messageStop": {
        this.#stopped = true;
        let out = "";
        for (const index of [...this.#noArgs]) out += this.#emptyArgs(index);
        out += w.finish(finishReasonOf(d["stopReason"]));
        return this.#metadata ? out + this.#done() : out;
      }
      case "metadata": {
        this.#metadata = true;
        this.#usage = bedrockUsage(d["usage"]) ?? this.#usage;
        return this.#stopped ? this.#done() : "";
      }
      default:
        return "";
    }
  }
}
