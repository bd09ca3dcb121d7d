/**
 * A response stage that lets the answer pass untouched and keeps a copy: it parses the
 * canonical SSE stream (or the JSON body) into one `chat.completion` and hands it to
 * its listeners (the cache recorder, conversation memory) only when the answer is
 * complete: a stream that reached `[DONE]` with every choice finished, or a body that
 * is a finished chat.completion. Interrupted, failed or oversized answers are dropped.
 */
import type { ResponseStage } from "../response-stage.js";
import { AnswerAssembler, isCompleteAnswer } from "./assemble-answer.js";

/** Answers larger than this are relayed but not kept. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export type AnswerListener = (answer: Record<string, unknown>) => void;

export class AnswerTee implements ResponseStage {
  readonly error = null;
  readonly #listeners: AnswerListener[] = [];
  readonly #assembler = new AnswerAssembler();
  #partial = "";
  #bytes = 0;
  #broken = false;
  #sawDone = false;

  /** Adds a listener of the complete answer. */
  listen(listener: AnswerListener): void {
    this.#listeners.push(listener);
  }

  get listening(): boolean {
    return this.#listeners.length > 0;
  }

  /** Implements {@link ResponseStage.pushStream}: records, and passes the chunk on unchanged. */
  pushStream(chunk: Buffer): Buffer | null {
    if (this.#broken) return chunk;
    this.#bytes += chunk.length;
    if (this.#bytes > MAX_ANSWER_BYTES) {
      this.#broken = true;
      this.#partial = "";
      return chunk;
    }
    const text = this.#partial + chunk.toString("utf8");
    const lines = text.split("\n");
    this.#partial = lines.pop() ?? "";
    for (const raw of lines) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      if (!line.startsWith("data:")) continue;
      const data = line.slice(line.startsWith("data: ") ? 6 : 5);
      if (data === "[DONE]") {
        this.#sawDone = true;
        continue;
      }
      try {
        const parsed = JSON.parse(data) as Record<string, unknown>;
        if (parsed["error"] !== undefined || !this.#assembler.add(parsed)) this.#broken = true;
      } catch {
        this.#broken = true;
      }
    }
    return chunk;
  }

  /** Implements {@link ResponseStage.endStream}. */
  endStream(complete: boolean): Buffer | null {
    if (complete && this.#sawDone && !this.#broken) {
      const answer = this.#assembler.result();
      if (answer !== null) this.#deliver(answer);
    }
    return null;
  }

  /** Implements {@link ResponseStage.transformBody}. */
  transformBody(body: Buffer): Buffer {
    if (body.length <= MAX_ANSWER_BYTES) {
      try {
        const parsed: unknown = JSON.parse(body.toString("utf8"));
        if (isCompleteAnswer(parsed)) this.#deliver(parsed);
      } catch {
        /* not JSON: nothing to keep */
      }
    }
    return body;
  }

  #deliver(answer: Record<string, unknown>): void {
    for (const listener of this.#listeners) listener(answer);
  }
}
