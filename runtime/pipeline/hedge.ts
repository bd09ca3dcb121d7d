/**
 * A hedge: for models with `hedge.delay`, a second attempt that races the first one
 * until the first token. When the delay passes without a token, the next candidate is
 * tried as a rival; its output is held back (its own first-token gate). Whoever gets
 * the first token (or, non-streamed, the answer) first wins: a rival that wins is
 * promoted to be the current attempt and the loser is aborted; a rival that fails only
 * drops out of the race (its failure still counts for health). Committing ends any
 * race: after the first byte to the client the answer cannot change hands.
 *
 * One object per hedged request owns all of that: the timer, the rival, its promotion.
 */
import type { ProviderError } from "../canonical/provider-error.js";
import type { RequestRecord } from "../base/request-record.js";
import type { UpstreamAttempt } from "../upstream/upstream-attempt.js";
import { endRecord, makeLast, type Contender } from "./contender.js";
import { outcomeOf } from "./provider-failure.js";

/** Aborts a superseded attempt (a hedge's loser, a dropped rival, an attempt replaced after the commit point). */
export const SUPERSEDED = new Error("attempt superseded");

/** The call a hedge races for. */
export interface HedgeHost {
  readonly record: RequestRecord;
  /** The attempt the rival races (null before the first one started). */
  readonly current: Contender | null;
  /** True while a rival may still join or win: uncommitted and, for streams, before the first token. */
  racing(): boolean;
  /** The delay passed: start a rival on the next candidate, if there is one. */
  startRival(): void;
  /** The rival won: make it the current attempt (and abort the loser). */
  promote(rival: Contender): void;
  /** The rival failed: feed its failure to health. */
  rivalFailed(rival: Contender, error: ProviderError): void;
}

/** What the rival's bytes meant for the race. */
export type RivalChunk =
  /** Not the rival's (or the race is over): the host handles it. */
  | "not-rival"
  /** Held back, nothing decided. */
  | "held"
  /** Its first token came: it was promoted, and these are its held bytes to relay. */
  | Buffer;

export class Hedge {
  readonly #host: HedgeHost;
  #timer: NodeJS.Timeout | null;
  #rival: Contender | null = null;

  constructor(host: HedgeHost, delayMs: number) {
    this.#host = host;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#rival === null && host.racing()) host.startRival();
    }, delayMs);
  }

  /** The rival racing now, or null. */
  get rival(): Contender | null {
    return this.#rival;
  }

  /** The rival's attempt started. */
  join(rival: Contender): void {
    this.#rival = rival;
  }

  /** Whether `attempt` is the rival's. */
  owns(attempt: UpstreamAttempt): boolean {
    return this.#rival?.attempt === attempt;
  }

  /** No rival will start any more (the race is decided, the response committed, or the call over). */
  disarm(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** The current attempt got its first token (or answered) first: the rival loses. */
  primaryWon(): void {
    this.disarm();
    if (this.#rival === null) return;
    this.#host.record.hedge = 1;
    this.drop("aborted", null);
  }

  /** The response committed (bytes went out): the race is over, whoever was ahead. */
  committed(): void {
    this.disarm();
    this.drop("aborted", null);
  }

  /** The current attempt failed: a racing rival carries on as the current one. True when it did. */
  takeOver(): boolean {
    const rival = this.#rival;
    if (rival === null) return false;
    this.#promote(rival);
    return true;
  }

  /** A streamed chunk of `attempt`: held until the rival's first token, which promotes it. */
  onChunk(attempt: UpstreamAttempt, chunk: Buffer): RivalChunk {
    const rival = this.#rival;
    if (rival === null || rival.attempt !== attempt) return "not-rival";
    const decoder = rival.decoder!;
    const out = decoder.push(chunk);
    if (decoder.error !== null) {
      this.#failed(rival, decoder.error);
      return "held";
    }
    if (out === null) return "held";
    const gate = rival.gate!;
    gate.hold(out);
    if (!gate.sees(out)) return "held";
    rival.gate = null;
    this.#promote(rival);
    return gate.take();
  }

  /**
   * `attempt` (the rival's) completed. A non-streamed answer wins the race: promoted, the
   * host answers with it (true). A stream that ends before its first token failed (false).
   */
  onComplete(attempt: UpstreamAttempt, answered: boolean): boolean {
    const rival = this.#rival;
    if (rival === null || rival.attempt !== attempt) return false;
    if (!answered) {
      this.#failed(rival, { class: "interrupted", status: 0, message: "", code: null, retryAfterMs: null });
      return false;
    }
    this.#promote(rival);
    return true;
  }

  /** `attempt` (the rival's) failed. */
  onFailure(attempt: UpstreamAttempt, error: ProviderError): void {
    const rival = this.#rival;
    if (rival !== null && rival.attempt === attempt) this.#failed(rival, error);
  }

  /** The call is over: the rival (if any) is aborted with `reason`. */
  abort(reason: Error): void {
    this.disarm();
    const rival = this.#rival;
    this.#rival = null;
    rival?.attempt.abort(reason);
  }

  /** Ends the rival's part in the race; the current attempt's record becomes the last again. */
  drop(outcome: Contender["rec"]["outcome"], cls: Contender["rec"]["errorClass"]): void {
    const rival = this.#rival;
    if (rival === null) return;
    this.#rival = null;
    endRecord(rival.rec, outcome, cls);
    const current = this.#host.current;
    if (current !== null) makeLast(this.#host.record, current.rec);
    rival.attempt.abort(SUPERSEDED);
  }

  #failed(rival: Contender, error: ProviderError): void {
    this.drop(outcomeOf(error), error.class);
    this.#host.rivalFailed(rival, error);
  }

  /** The rival becomes the current attempt: the record ends the loser's entry and keeps the winner's last. */
  #promote(rival: Contender): void {
    const record = this.#host.record;
    const loser = this.#host.current;
    if (loser !== null) endRecord(loser.rec, "aborted");
    this.#rival = null;
    this.disarm();
    record.hedge = 2;
    makeLast(record, rival.rec);
    this.#host.promote(rival);
  }
}
