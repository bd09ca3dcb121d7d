/**
 * Output moderation on the way to the client: an Exchange decorator that holds the
 * answer until the external check (guardrails[].output.moderation) has judged it.
 * A non-streamed answer is judged whole; a stream goes out head first, then its content
 * is judged window by window (`every` characters, and the rest at the end) while the
 * bytes of the window wait here, so nothing flagged reaches the client: a block ends the
 * stream with an error event instead (no `[DONE]`) and cancels the upstream request
 * (through the abort callback ChatCall registered). Each window is judged with the end
 * of the one before it in front (OVERLAP), so text that straddles two windows is judged
 * whole at least once. Writes report success while held, so the relay never waits on a
 * verdict; what is held is bounded by the answer itself.
 */
import type { BodyFailure, Exchange, HeaderList } from "../server/exchange.js";
import type { GatewayError } from "../base/errors.js";
import { sendError } from "./respond.js";
import { streamErrorEvent } from "./provider-failure.js";
import { moderate } from "../stages/guardrails/moderation.js";
import { answerTexts, deltaTexts, judgeAnswer } from "../stages/guardrails/output-moderation.js";
import type { GuardrailReport } from "../stages/guardrails/guardrail-report.js";
import type { LinkedOutputModeration } from "../stages/guardrails/linked-guardrails.js";
import { ForwardingExchange } from "./forwarding-exchange.js";

/** Characters of the previous window judged again in front of the next one. */
const OVERLAP = 256;

const asBuffer = (chunk: string | Uint8Array): Buffer =>
  typeof chunk === "string" ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

export class ModeratedExchange extends ForwardingExchange {
  readonly #m: LinkedOutputModeration;
  readonly #prompt: string;
  readonly #report: GuardrailReport;
  readonly #requestId: string;
  #abortCb: (() => void) | null = null;
  /** A response was started here (it may still be waiting for its verdict). */
  #startedHere = false;
  /** The answer was stopped by a verdict: everything after is dropped. */
  #stopped = false;
  /** Streams: bytes waiting for their window's verdict, the window's text, and the unparsed tail of the SSE. */
  #held: Buffer[] = [];
  #window = "";
  /** The end of the last judged window (context for the next). */
  #previous = "";
  #sse = "";
  #judging = false;
  #ending = false;

  constructor(inner: Exchange, m: LinkedOutputModeration, prompt: string, report: GuardrailReport, requestId: string) {
    super(inner);
    this.#m = m;
    this.#prompt = prompt;
    this.#report = report;
    this.#requestId = requestId;
    inner.onAbort(() => this.#abortCb?.());
  }

  override get aborted(): boolean {
    return this.inner.aborted || this.#stopped;
  }
  override get started(): boolean {
    return this.#startedHere || this.inner.started;
  }

  override onAbort(cb: () => void): void {
    this.#abortCb = cb;
  }

  override send(status: number, headers: HeaderList, body: string | Uint8Array, close?: boolean): void {
    const text = typeof body === "string" ? body : asBuffer(body).toString("utf8");
    const texts = status >= 200 && status < 300 ? answerTexts(text) : null;
    if (texts === null || texts.length === 0) return this.inner.send(status, headers, body, close);
    this.#startedHere = true;
    void moderate(this.#m, texts, this.#prompt).then((outcome) => {
      if (this.inner.aborted) return;
      const error = judgeAnswer(this.#m, outcome, this.#report);
      if (error === null) this.inner.send(status, headers, body, close);
      else sendError(this.inner, this.#requestId, error);
    });
  }

  override beginStream(status: number, headers: HeaderList): void {
    this.#startedHere = true;
    this.inner.beginStream(status, headers);
  }

  override write(chunk: string | Uint8Array): boolean {
    if (this.#stopped || this.#ending) return true;
    const bytes = asBuffer(chunk);
    this.#held.push(bytes);
    this.#sse += bytes.toString("utf8");
    const cut = this.#sse.lastIndexOf("\n\n");
    if (cut !== -1) {
      this.#window += deltaTexts(this.#sse.slice(0, cut + 2));
      this.#sse = this.#sse.slice(cut + 2);
    }
    if (!this.#judging && this.#window.length >= this.#m.everyChars) this.#judge();
    return true;
  }

  override end(): void {
    if (this.#stopped || this.#ending) return;
    this.#ending = true;
    if (!this.#judging) this.#judge();
  }

  writeAndEnd(chunk: string | Uint8Array): void {
    this.write(chunk);
    this.end();
  }

  /** Judges the current window; on a pass releases the bytes it covers, then judges the next or ends. */
  #judge(): void {
    const text = this.#window;
    const covered = this.#held.length;
    this.#window = "";
    if (text.length === 0) return this.#release(covered);
    this.#judging = true;
    const judged = this.#previous + text;
    this.#previous = text.slice(-Math.min(OVERLAP, Math.floor(this.#m.everyChars / 2)));
    void moderate(this.#m, [judged], this.#prompt).then((outcome) => {
      this.#judging = false;
      if (this.inner.aborted || this.#stopped) return;
      const error = judgeAnswer(this.#m, outcome, this.#report);
      if (error !== null) return this.#stop(error);
      this.#release(covered);
    });
  }

  /** Writes the first `count` held chunks; then judges the next full window, or finishes an ended stream. */
  #release(count: number): void {
    const out = this.#held.splice(0, count);
    if (out.length > 0) this.inner.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    if (this.#window.length >= this.#m.everyChars || (this.#ending && this.#held.length > 0)) return this.#judge();
    if (this.#ending && this.#held.length === 0) this.inner.end();
  }

  /** A verdict stopped the stream: the error event instead of the rest, and the upstream request cancelled. */
  #stop(error: GatewayError): void {
    this.#stopped = true;
    this.#held = [];
    this.inner.write(streamErrorEvent(error));
    this.inner.end();
    const cancel = this.#abortCb;
    this.#abortCb = null;
    cancel?.();
  }
}
