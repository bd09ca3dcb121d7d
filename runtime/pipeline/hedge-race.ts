/**
 * A hedge: a second attempt that races the first one before its first token (models
 * with `hedgeDelayMs`). The rival's output is held back (its own first-token gate);
 * its first token makes it the current attempt (ChatCall promotes it), its failure only
 * drops it from the race. Committing ends any race: after the first byte to the client
 * the answer cannot change hands.
 */
import type { ProviderError } from "../canonical/provider-error.js";
import type { AttemptRecord, RequestRecord } from "../base/request-record.js";
import { endRecord, makeLast, type Contender } from "./contender.js";

/** Aborts a superseded attempt (a hedge's loser, a dropped rival). */
export const SUPERSEDED = new Error("attempt superseded");

/** What one upstream chunk of the rival means for the race. */
export type RivalProgress =
  /** Nothing decisive yet (bytes held back). */
  | null
  /** Its first token came: the held bytes, ready to relay once it is promoted. */
  | Buffer
  /** The provider reported an error inside the stream. */
  | { readonly error: ProviderError };

/** Decodes a rival's chunk and holds its output until its first token. */
export function rivalChunk(rival: Contender, chunk: Buffer): RivalProgress {
  const decoder = rival.decoder!;
  const out = decoder.push(chunk);
  if (decoder.error !== null) return { error: decoder.error };
  if (out === null) return null;
  const gate = rival.gate!;
  gate.hold(out);
  if (!gate.sees(out)) return null;
  rival.gate = null;
  return gate.take();
}

/** Ends the rival's part in the race; the current attempt's record becomes the last again. */
export function dropRival(record: RequestRecord, current: Contender | null, rival: Contender, outcome: AttemptRecord["outcome"], cls: AttemptRecord["errorClass"]): void {
  endRecord(rival.rec, outcome, cls);
  if (current !== null) makeLast(record, current.rec);
  rival.attempt.abort(SUPERSEDED);
}
