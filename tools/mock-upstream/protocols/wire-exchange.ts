/**
 * One provider-protocol answer from the parsed request to the last byte, with the same
 * behaviour knobs as the OpenAI path (chat-exchange.ts): latency, ttft, tps, tokens,
 * status, reset, drop, retry, plus `streamerror` and `cached`. Not on the benchmark's
 * path, so each piece is built when written.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MockBehaviour } from "../behaviour.js";
import type { MockAnswer, ProtocolWire } from "./wire.js";

export class WireExchange {
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #b: Readonly<MockBehaviour>;
  readonly #wire: ProtocolWire;
  readonly #answer: MockAnswer;
  readonly #stream: boolean;
  /** Content chunks after which the connection drops; -1 when it does not. */
  readonly #dropAt: number;
  /** Content chunks after which the in-stream error ends the stream; -1 when it does not. */
  readonly #errorAt: number;
  #sent = 0;
  #timer: NodeJS.Timeout | undefined = undefined;
  #closed = false;

  constructor(req: IncomingMessage, res: ServerResponse, b: Readonly<MockBehaviour>, wire: ProtocolWire, answer: MockAnswer, stream: boolean) {
    this.#req = req;
    this.#res = res;
    this.#b = b;
    this.#wire = wire;
    this.#answer = answer;
    this.#stream = stream;
    this.#dropAt = b.fail === "drop" ? Math.min(b.dropAfter ?? 0, answer.tokens) : -1;
    this.#errorAt = b.streamErrorAfter === undefined ? -1 : Math.min(b.streamErrorAfter, answer.tokens);
  }

  start(): void {
    if (this.#b.latencyMs > 0) this.#after(this.#b.latencyMs, () => this.#respond());
    else this.#respond();
  }

  #respond(): void {
    const b = this.#b;
    if (b.fail === "reset") {
      this.#req.socket.resetAndDestroy();
      return;
    }
    if (b.status !== undefined) {
      const retry = b.retryAfterSeconds ?? (b.status === 429 ? 1 : undefined);
      this.#wire.sendError(this.#res, b.status, `Mock upstream: scripted ${b.status} error.`, retry);
      return;
    }
    if (this.#stream) return this.#startStream();
    const a = this.#answer;
    const delay = b.ttftMs + (b.tokensPerSecond > 0 && a.tokens > 1 ? ((a.tokens - 1) * 1000) / b.tokensPerSecond : 0);
    if (delay > 0) this.#after(delay, () => this.#sendCompletion());
    else this.#sendCompletion();
  }

  #sendCompletion(): void {
    const body = this.#wire.completion(this.#answer);
    this.#res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    if (this.#dropAt < 0) this.#res.end(body);
    else this.#writeThenDrop(Buffer.from(body.slice(0, body.length >> 1)));
  }

  #startStream(): void {
    this.#res.writeHead(200, { "content-type": this.#wire.streamContentType, "x-amzn-requestid": "mock-request-id" });
    const start = this.#wire.streamStart(this.#answer);
    if (this.#dropAt === 0) return this.#writeThenDrop(start);
    if (this.#errorAt === 0) return void this.#res.end(Buffer.concat([start, this.#wire.streamError(this.#answer)]));
    if (start.length > 0) this.#res.write(start);
    if (this.#b.ttftMs > 0) this.#after(this.#b.ttftMs, () => this.#emit());
    else this.#emit();
  }

  /** Writes the next token (at tps=0, all of them), then schedules itself or finishes. */
  #emit(): void {
    const a = this.#answer;
    const stopAt = this.#dropAt >= 0 ? this.#dropAt : this.#errorAt >= 0 ? this.#errorAt : a.tokens;
    const pieces: Buffer[] = [];
    if (this.#b.tokensPerSecond === 0) {
      while (this.#sent < stopAt) pieces.push(this.#wire.token(a, this.#sent++));
    } else if (this.#sent < stopAt) {
      pieces.push(this.#wire.token(a, this.#sent++));
    }
    const data = Buffer.concat(pieces);
    if (this.#sent === this.#dropAt) return this.#writeThenDrop(data);
    if (this.#sent === this.#errorAt) return void this.#res.end(Buffer.concat([data, this.#wire.streamError(a)]));
    if (this.#sent < stopAt) {
      this.#res.write(data);
      this.#after(1000 / this.#b.tokensPerSecond, () => this.#emit());
      return;
    }
    this.#res.end(Buffer.concat([data, this.#wire.streamEnd(a)]));
  }

  #writeThenDrop(data: Buffer): void {
    const socket = this.#res.socket;
    this.#res.write(data, () => socket?.destroy());
  }

  #after(ms: number, step: () => void): void {
    if (this.#timer === undefined) {
      this.#res.once("close", () => {
        this.#closed = true;
        clearTimeout(this.#timer);
      });
    }
    this.#timer = setTimeout(() => {
      if (!this.#closed) step();
    }, ms);
  }
}
