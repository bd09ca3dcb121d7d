/**
 * One chat completion from the moment its body is parsed to the last byte: delays, the
 * scripted failure, and the token pacing.
 *
 * Two paths. Without delays (the benchmark's case) the whole response is one string and one
 * write. With delays each SSE chunk is its own `res.write` at its scheduled time, and a
 * `close` listener stops the timer when the client goes away.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { MockBehaviour } from "./behaviour.js";
import {
  chunkHead,
  completionBody,
  contentTail,
  sayCompletionBody,
  DONE,
  finishTailFor,
  roleTail,
  streamBody,
  tokenTail,
  truncatedStreamBody,
  usageTail,
  type CompletionIdentity,
  type FinishReason,
} from "./chat-wire.js";
import type { ChatRequest } from "./chat-request.js";
import type { RecordedRequest } from "./request-log.js";
import { sendError } from "./openai-error.js";
import { toolCallCompletion, toolCallStream } from "./tool-calls.js";

const SSE_HEADERS: OutgoingHttpHeaders = Object.freeze({ "content-type": "text/event-stream; charset=utf-8" });

/** A chat completion in flight. Fixed shape: every field is assigned in the constructor. */
export class ChatExchange {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #b: Readonly<MockBehaviour>;
  readonly #request: ChatRequest;
  readonly #identity: CompletionIdentity;
  /** Completion length after the max_tokens cap. */
  readonly #tokens: number;
  readonly #finish: FinishReason;
  /** Content chunks after which the connection drops; -1 when it does not. */
  readonly #dropAt: number;
  /** Content chunks written so far (delayed streams). */
  #sent = 0;
  /** The chunk prefix, once streaming has started. */
  #head = "";
  #timer: NodeJS.Timeout | undefined = undefined;
  #closed = false;
  /** The request's log entry: marked `closedEarly` when the client goes away mid-answer. */
  readonly #entry: RecordedRequest | undefined;
  /** The content chunks of a `say` answer, or null for the default words. */
  readonly #pieces: readonly string[] | null;

  constructor(req: IncomingMessage, res: ServerResponse, b: Readonly<MockBehaviour>, request: ChatRequest, identity: CompletionIdentity, entry?: RecordedRequest) {
    this.#entry = entry;
    this.#req = req;
    this.#res = res;
    this.#b = b;
    this.#request = request;
    this.#identity = identity;
    const cap = request.maxTokens;
    this.#pieces = b.say === undefined ? null : sayPieces(b.say, b.chunkChars);
    const tokens = this.#pieces?.length ?? b.tokens;
    this.#tokens = cap !== undefined && cap < tokens ? cap : tokens;
    this.#finish = this.#tokens < tokens ? "length" : "stop";
    this.#dropAt = b.fail === "drop" ? Math.min(b.dropAfter ?? 0, this.#tokens) : -1;
  }

  /** Starts answering; everything the behaviour scripts happens from here. */
  start(): void {
    if (this.#b.latencyMs > 0) this.#after(this.#b.latencyMs, () => this.#respond());
    else this.#respond();
  }

  #respond(): void {
    const b = this.#b;
    if (b.fail === "reset") {
      // An RST, not a FIN: what a crashed or overloaded upstream looks like to a client.
      this.#req.socket.resetAndDestroy();
      return;
    }
    if (b.status !== undefined) {
      const retryAfterSeconds = b.retryAfterSeconds ?? (b.status === 429 ? 1 : undefined);
      sendError(this.#res, b.status, `Mock upstream: scripted ${b.status} error.`, {
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
        ...(b.errorCode === undefined ? {} : { code: b.errorCode }),
      });
      return;
    }
    const call = this.#request.toolCall;
    if (call !== undefined) {
      const callId = `call_${this.#identity.id.slice("chatcmpl-".length)}`;
      const body = this.#request.stream
        ? toolCallStream(this.#identity, call, callId, this.#request.promptTokens, this.#request.includeUsage)
        : toolCallCompletion(this.#identity, call, callId, this.#request.promptTokens);
      this.#res.writeHead(200, this.#request.stream ? SSE_HEADERS : { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      this.#res.end(body);
      return;
    }
    if (this.#request.stream) this.#startStream();
    else {
      // A non-streaming answer arrives when the last token would have been generated.
      const delay = b.ttftMs + (b.tokensPerSecond > 0 && this.#tokens > 1 ? ((this.#tokens - 1) * 1000) / b.tokensPerSecond : 0);
      if (delay > 0) this.#after(delay, () => this.#sendCompletion());
      else this.#sendCompletion();
    }
  }

  #sendCompletion(): void {
    const body =
      this.#pieces === null
        ? completionBody(this.#identity, this.#tokens, this.#finish, this.#request.promptTokens)
        : sayCompletionBody(this.#identity, this.#pieces.slice(0, this.#tokens).join(""), this.#tokens, this.#finish, this.#request.promptTokens);
    this.#res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    if (this.#dropAt < 0) this.#res.end(body);
    // The promised content-length is never met, so every client sees a truncated body.
    else this.#writeThenDrop(body.slice(0, body.length >> 1));
  }

  #startStream(): void {
    const res = this.#res;
    const b = this.#b;
    const usage = this.#request.includeUsage;
    res.writeHead(200, SSE_HEADERS);
    if (b.ttftMs === 0 && b.tokensPerSecond === 0 && this.#pieces === null) {
      if (this.#dropAt < 0) res.end(streamBody(this.#identity, this.#tokens, this.#finish, usage ? this.#request.promptTokens : undefined));
      else this.#writeThenDrop(truncatedStreamBody(this.#identity, this.#dropAt, usage));
      return;
    }
    this.#head = chunkHead(this.#identity);
    const role = this.#head + roleTail(usage);
    if (this.#dropAt === 0) return this.#writeThenDrop(role);
    res.write(b.padBytes === undefined ? role : `${role}: ${"x".repeat(b.padBytes)}\n\n`);
    if (b.ttftMs > 0) this.#after(b.ttftMs, () => this.#emit());
    else this.#emit();
  }

  /** Writes the next token (or, at tps=0, all of them), then schedules itself or finishes. */
  #emit(): void {
    const usage = this.#request.includeUsage;
    const last = this.#dropAt >= 0 ? this.#dropAt : this.#tokens;
    let data = "";
    if (this.#b.tokensPerSecond === 0) {
      while (this.#sent < last) data += this.#head + this.#tokenTail(this.#sent++, usage);
    } else if (this.#sent < last) {
      data = this.#head + this.#tokenTail(this.#sent++, usage);
    }
    if (this.#sent === this.#dropAt) return this.#writeThenDrop(data);
    if (this.#sent < last) {
      this.#res.write(data);
      this.#after(1000 / this.#b.tokensPerSecond, () => this.#emit());
      return;
    }
    let end = data + this.#head + finishTailFor(this.#finish, usage);
    if (usage) end += this.#head + usageTail(this.#request.promptTokens, this.#tokens);
    this.#res.end(end + DONE);
  }

  #tokenTail(i: number, usage: boolean): string {
    return this.#pieces === null ? tokenTail(i, usage) : contentTail(this.#pieces[i] ?? "", usage);
  }

  /** Sends `data`, then destroys the socket once it is flushed: a mid-body connection loss. */
  #writeThenDrop(data: string): void {
    const socket = this.#res.socket;
    this.#res.write(data, () => socket?.destroy());
  }

  /** Runs `step` after `ms`, unless the client disconnects first. */
  #after(ms: number, step: () => void): void {
    if (this.#timer === undefined) {
      this.#res.once("close", () => {
        this.#closed = true;
        if (this.#entry !== undefined && !this.#res.writableFinished) this.#entry.closedEarly = true;
        clearTimeout(this.#timer);
      });
    }
    this.#timer = setTimeout(() => {
      if (!this.#closed) step();
    }, ms);
  }
}

/** A `say` text as content chunks: `chunkChars` characters each, or one word (with its trailing space) each. */
export function sayPieces(text: string, chunkChars: number | undefined): string[] {
  if (chunkChars === undefined) return text.match(/\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += chunkChars) pieces.push(text.slice(i, i + chunkChars));
  return pieces;
}
