/**
 * A response stage: per-request code that sees the canonical answer (OpenAI shape,
 * after the adapter translated it) on its way to the client, and may rewrite it or
 * end it with an error. Output guardrails, the response cache's recorder and similar
 * features are stages. The request handler creates a request's stages (usually none:
 * then the relay is a byte pass-through) and hands them to ChatCall, which runs them
 * in order: stage 1's output is stage 2's input.
 */
import type { GatewayError } from "../base/errors.js";

export interface ResponseStage {
  /**
   * Canonical SSE bytes of a stream, in order and split anywhere; returns the bytes to
   * pass on now (null: nothing yet, e.g. held back in a sliding window).
   */
  pushStream(chunk: Buffer): Buffer | null;
  /** The stream ended (`complete`: it reached `[DONE]`); returns any held-back bytes. */
  endStream(complete: boolean): Buffer | null;
  /** A non-streamed canonical `chat.completion` body; returns the body to send. */
  transformBody(body: Buffer): Buffer;
  /**
   * Set when the stage decided to stop the answer (e.g. a guardrail block). Before the
   * commit point the client gets this error; after it, the stream ends with it as an
   * error event (no `[DONE]`).
   */
  readonly error: GatewayError | null;
}
