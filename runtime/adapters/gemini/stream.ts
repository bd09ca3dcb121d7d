/**
 * Gemini / Vertex `streamGenerateContent?alt=sse` → canonical chunks. Each SSE `data:`
 * event is a whole GenerateContentResponse: text parts become content (thought parts
 * reasoning), each `functionCall` part one complete tool-call chunk, the first
 * `finishReason` the finish chunk; `usageMetadata` is cumulative (the last one counts).
 * Gemini sends no end marker: the stream is complete when a finish reason was seen and
 * the body ended; then the usage chunk (when asked) and `[DONE]` are emitted.
 */
import type { StreamDecoder } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import type { Usage } from "../../base/usage.js";
import { ChunkWriter, DONE, type FinishReason } from "../../canonical/chat-stream.js";
import { isProviderError } from "../../canonical/provider-error.js";
import { isRecord } from "../../canonical/provider-error.js";
import { SseParser, type SseEvent } from "../../canonical/sse-parser.js";
import { streamEventTooLarge } from "../../canonical/stream-limits.js";
import { readCandidate } from "./candidate.js";
import { errorObjectOf, geminiError } from "./errors.js";
import { finishReasonOf } from "./finish-reason.js";
import { geminiUsage } from "./usage.js";

export class GeminiStreamDecoder implements StreamDecoder {
  readonly #parser = new SseParser();
  readonly #model: string;
  readonly #requestId: string;
  readonly #wantsUsage: boolean;
  readonly #provider: string;
  #writer: ChunkWriter | null = null;
  #tools = 0;
  #finish: FinishReason | null = null;
  #usage: Usage | null = null;
  error: ProviderError | null = null;
  complete = false;
  outputChars = 0;

  constructor(model: string, requestId: string, clientWantsUsage: boolean, provider: string) {
    this.#model = model;
    this.#requestId = requestId;
    this.#wantsUsage = clientWantsUsage;
    this.#provider = provider;
  }

  get usage(): Usage | null {
    return this.#usage;
  }

  push(chunk: Buffer): Buffer | null {
    const out = this.#emit(this.#parser.push(chunk), false);
    if (this.#parser.tooLarge) this.error ??= streamEventTooLarge(this.#provider);
    return out;
  }

  end(): Buffer | null {
    if (this.#parser.tooLarge) return null;
    return this.#emit(this.#parser.end(), true);
  }

  #emit(events: SseEvent[], ended: boolean): Buffer | null {
    let out = "";
    for (const e of events) {
      if (this.error !== null) break;
      out += this.#event(e);
    }
    if (ended && this.error === null && this.#finish !== null && this.#writer !== null) {
      this.complete = true;
      out += (this.#wantsUsage && this.#usage !== null ? this.#writer.usage(this.#usage) : "") + DONE;
    }
    return out === "" ? null : Buffer.from(out);
  }

  #event(e: SseEvent): string {
    let data: unknown;
    try {
      data = JSON.parse(e.data);
    } catch {
      this.error = { class: "server", status: 200, message: `${this.#provider}: a stream event is not valid JSON`, code: null, retryAfterMs: null };
      return "";
    }
    const err = errorObjectOf(data);
    if (err !== undefined) {
      this.error = geminiError(err, 200, null, this.#provider);
      return "";
    }
    if (!isRecord(data)) return "";
    const cand = readCandidate(data, this.#provider);
    if (isProviderError(cand)) {
      this.error = cand;
      return "";
    }
    this.#usage = geminiUsage(data["usageMetadata"]) ?? this.#usage;
    let out = "";
    if (this.#writer === null) {
      const id = typeof data["responseId"] === "string" ? data["responseId"] : `chatcmpl-${this.#requestId}`;
      const model = typeof data["modelVersion"] === "string" ? data["modelVersion"] : this.#model;
      this.#writer = new ChunkWriter(id, model, Math.floor(Date.now() / 1000), this.#wantsUsage);
      out += this.#writer.role();
    }
    const w = this.#writer;
    if (this.#finish !== null) return out;
    for (const t of cand.texts) {
      if (t.text === "") continue;
      this.outputChars += t.text.length;
      out += t.thought ? w.reasoning(t.text) : w.text(t.text);
    }
    for (const c of cand.calls) {
      const index = this.#tools++;
      const args = JSON.stringify(c.args);
      this.outputChars += args.length;
      out += w.toolCallStart(index, c.id ?? `call_${this.#requestId}_${index}`, c.name, args);
    }
    if (cand.finishReason !== null) {
      this.#finish = finishReasonOf(cand.finishReason, this.#tools > 0);
      out += w.finish(this.#finish);
    }
    return out;
  }
}
