/**
 * Builds the canonical stream (OpenAI `chat.completion.chunk` SSE events) that every
 * translating adapter emits. One writer per stream: the chunk prefix (id, created,
 * model) is built once, each event is one small JSON.stringify of its delta.
 */
import type { Usage } from "../base/usage.js";
import { openAIUsage } from "./openai-usage.js";

/** The OpenAI finish reasons; adapters map their provider's reasons into these only. */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export const DONE = "data: [DONE]\n\n";

export class ChunkWriter {
  readonly #head: string;
  /** `,"usage":null` on every choice chunk when the client asked for the usage chunk (as OpenAI does). */
  readonly #usageNull: string;

  constructor(id: string, model: string, created: number, clientWantsUsage: boolean) {
    this.#head = `data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":[`;
    this.#usageNull = clientWantsUsage ? ',"usage":null' : "";
  }

  #choice(delta: string, finish: string): string {
    return `${this.#head}{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finish}}]${this.#usageNull}}\n\n`;
  }

  /** The first chunk: the assistant role and empty content. */
  role(): string {
    return this.#choice('{"role":"assistant","content":""}', "null");
  }

  text(text: string): string {
    return this.#choice(`{"content":${JSON.stringify(text)}}`, "null");
  }

  /** Reasoning text, in the `reasoning_content` field several OpenAI-compatible servers use. */
  reasoning(text: string): string {
    return this.#choice(`{"reasoning_content":${JSON.stringify(text)}}`, "null");
  }

  /** The first fragment of tool call `index`: its id, name and the arguments seen so far. */
  toolCallStart(index: number, id: string, name: string, args: string): string {
    return this.#choice(
      `{"tool_calls":[{"index":${index},"id":${JSON.stringify(id)},"type":"function","function":{"name":${JSON.stringify(name)},"arguments":${JSON.stringify(args)}}}]}`,
      "null",
    );
  }

  toolCallArgs(index: number, args: string): string {
    return this.#choice(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(args)}}}]}`, "null");
  }

  finish(reason: FinishReason): string {
    return this.#choice("{}", `"${reason}"`);
  }

  /** The include_usage chunk: no choices, the full usage. */
  usage(u: Usage): string {
    return `${this.#head}],"usage":${JSON.stringify(openAIUsage(u))}}\n\n`;
  }
}
