/**
 * The bytes of a streamed attempt held back until its first token (only for models with
 * a first-token timeout or a hedge). Until the first token the request is uncommitted,
 * so a late first token can still fall back and a hedge can still take over; once the
 * token comes (or too much preamble piled up) the held bytes go out together.
 */
import { FirstTokenWatch } from "../canonical/first-token.js";

/** Most bytes held back before the first token; beyond it the response commits (and a late token ends it with an error event). */
const MAX_HELD_BYTES = 8 * 1024;

export class FirstTokenGate {
  readonly #watch = new FirstTokenWatch();
  #held: Buffer[] = [];
  #heldBytes = 0;

  /** True when `out` (following what was seen before) holds the first token. */
  sees(out: Buffer): boolean {
    return this.#watch.push(out);
  }

  /** Holds `out` back. */
  hold(out: Buffer): void {
    this.#held.push(out);
    this.#heldBytes += out.length;
  }

  /** True when more is held than may wait for the first token. */
  get full(): boolean {
    return this.#heldBytes > MAX_HELD_BYTES;
  }

  /** Everything held, as one buffer (empty when nothing is), and the gate emptied. */
  take(): Buffer {
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    return held.length === 1 ? held[0]! : Buffer.concat(held);
  }
}
