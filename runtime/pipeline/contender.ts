/**
 * One upstream attempt competing to answer a chat request: the current attempt, or a
 * hedge racing it before the first token. Everything ChatCall needs to relay it, account
 * for it and, if it loses, forget it, in one place, so a hedge that wins simply becomes
 * the current contender.
 */
import type { ChatRequestContext, ResponsesCapability, StreamDecoder } from "../adapters/adapter.js";
import type { AttemptRecord, RequestRecord } from "../base/request-record.js";
import type { UpstreamAttempt } from "../upstream/upstream-attempt.js";
import type { FirstTokenGate } from "./first-token-gate.js";

export class Contender {
  readonly attempt: UpstreamAttempt;
  readonly ctx: ChatRequestContext;
  /** The stream decoder (streams only). */
  readonly decoder: StreamDecoder | null;
  /** Key slot of the attempt (runtime/reliability/key-ring.ts), -1 when none. */
  readonly key: number;
  /** The attempt's entry in the request record. */
  readonly rec: AttemptRecord;
  /** Bytes held until the first token (streams with a first-token timeout or hedge), else null. */
  gate: FirstTokenGate | null;
  /** A `/v1/responses` attempt passed through: what reads its answer (instead of the adapter's chat decoders). */
  native: ResponsesCapability | null = null;

  constructor(attempt: UpstreamAttempt, ctx: ChatRequestContext, decoder: StreamDecoder | null, key: number, rec: AttemptRecord, gate: FirstTokenGate | null) {
    this.attempt = attempt;
    this.ctx = ctx;
    this.decoder = decoder;
    this.key = key;
    this.rec = rec;
    this.gate = gate;
  }
}

/** Ends an attempt's record that is not the last one (a hedge race's loser or dropped rival). */
export function endRecord(rec: AttemptRecord, outcome: AttemptRecord["outcome"], cls: AttemptRecord["errorClass"] = null): void {
  if (rec.ms >= 0) return;
  rec.outcome = outcome;
  rec.errorClass = cls;
  rec.ms = performance.now() - rec.startedAt;
}

/** Makes `rec` the record's last attempt again: the record ends (and reports) the last one as the answer's. */
export function makeLast(record: RequestRecord, rec: AttemptRecord): void {
  const attempts = record.attempts;
  if (attempts === null) return;
  const at = attempts.indexOf(rec);
  if (at === -1 || at === attempts.length - 1) return;
  attempts.splice(at, 1);
  attempts.push(rec);
}
