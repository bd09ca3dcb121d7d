/**
 * The client side of a streamed chat answer: the commit point, the response stages, and
 * the writes. Created only for streamed requests.
 *
 * The commit point is the first byte queued for the client: from then on the answer
 * belongs to one attempt. The head is only noted then and sent with the first write, so
 * head and first bytes leave together. undici hands over one chunk per chunked-encoding
 * frame, often many per socket read, so output is queued and written once per tick (one
 * cork, one syscall); a stream that ends in the same tick is written and ended at once.
 * Under backpressure the upstream is paused until the client drains.
 */
import type { GatewayError } from "../base/errors.js";
import type { Exchange } from "../server/exchange.js";
import type { AttemptController } from "../upstream/upstream-attempt.js";
import type { ResponseStage } from "../stages/response-stage.js";

/** What the relay asks of the request it writes for. */
export interface RelaySource {
  /** True once the client went away: nothing more is written. */
  readonly clientGone: boolean;
  /** The controller of the attempt being relayed (to pause it under backpressure), or null. */
  readonly upstreamController: AttemptController | null;
}

export class StreamRelay {
  readonly #ex: Exchange;
  readonly #requestId: string;
  readonly #stages: readonly ResponseStage[];
  readonly #source: RelaySource;
  #committed = false;
  /** The committed stream's head until it is sent: content type and attempt count; null once sent. */
  #headType: string | null = null;
  #headAttempts = 0;
  #pending: Buffer[] = [];
  #scheduled = false;

  constructor(ex: Exchange, requestId: string, stages: readonly ResponseStage[], source: RelaySource) {
    this.#ex = ex;
    this.#requestId = requestId;
    this.#stages = stages;
    this.#source = source;
  }

  /** True once the answer is committed to the client. */
  get committed(): boolean {
    return this.#committed;
  }

  /** Commits the answer: its head (sent with the first write) has this content type and attempt count. */
  commit(contentType: string, attempts: number): void {
    this.#committed = true;
    this.#headType = contentType;
    this.#headAttempts = attempts;
  }

  /**
   * Passes canonical bytes through the stages and queues what comes out (committing
   * first when needed). Returns the error of a stage that stopped the answer, else null.
   */
  emit(bytes: Buffer, contentType: string, attempts: number): GatewayError | null {
    let out: Buffer | null = bytes;
    for (const stage of this.#stages) {
      out = stage.pushStream(out);
      if (stage.error !== null) return stage.error;
      if (out === null) return null;
    }
    this.queue(out, contentType, attempts);
    return null;
  }

  /** Queues bytes for the client (committing first when needed); written at the end of the tick. */
  queue(out: Buffer, contentType: string, attempts: number): void {
    if (out.length === 0) return;
    if (!this.#committed) this.commit(contentType, attempts);
    this.#pending.push(out);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.flush);
    }
  }

  /**
   * Ends every stage in order (`complete`: the stream reached its end marker) and
   * returns the bytes they held back (null when none), or the error of a stage that
   * stopped the answer.
   */
  endStages(complete: boolean): Buffer | null | { error: GatewayError } {
    let carry: Buffer | null = null;
    for (const stage of this.#stages) {
      const passed: Buffer | null = carry === null ? null : stage.pushStream(carry);
      if (stage.error !== null) return { error: stage.error };
      const held = stage.endStream(complete);
      if (stage.error !== null) return { error: stage.error };
      carry = passed === null ? held : held === null ? passed : Buffer.concat([passed, held]);
    }
    return carry;
  }

  /** Writes the queued output; under backpressure pauses the upstream until the client drains. */
  readonly flush = (): void => {
    this.#scheduled = false;
    if (this.#source.clientGone) return;
    this.#sendHead();
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    const ex = this.#ex;
    if (ex.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending))) return;
    const controller = this.#source.upstreamController;
    controller?.pause();
    ex.onDrain(() => controller?.resume());
  };

  /** Writes what is queued (and `last`) and ends the stream, in one write when the exchange can. */
  finish(last: string | Buffer | null): void {
    this.#scheduled = false;
    const ex = this.#ex;
    if (this.#source.clientGone) return;
    this.#sendHead();
    const pending = this.#pending;
    this.#pending = [];
    if (last !== null) pending.push(typeof last === "string" ? Buffer.from(last) : last);
    if (pending.length === 0) return ex.end();
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    if (ex.writeAndEnd !== undefined) return ex.writeAndEnd(out);
    ex.write(out);
    ex.end();
  }

  /** Sends the stream's head if it is not out yet. */
  #sendHead(): void {
    const type = this.#headType;
    if (type === null) return;
    this.#headType = null;
    this.#ex.beginStream(200, [
      ["content-type", type],
      ["cache-control", "no-cache"],
      ["x-accel-buffering", "no"],
      ["x-request-id", this.#requestId],
      ["x-tollgate-attempts", String(this.#headAttempts)],
    ]);
  }
}
