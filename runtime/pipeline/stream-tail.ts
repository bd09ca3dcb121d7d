/**
 * Remembers the last bytes of a relayed SSE stream so the gateway can tell a stream
 * that ended with `data: [DONE]` from one the upstream cut short: a truncated stream
 * must end with an error event, never as a clean 200 (Portkey-AI/gateway#1797).
 */

const DONE = Buffer.from("data: [DONE]");
const KEEP = 32;

export class StreamTail {
  #tail: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.#tail = chunk.length >= KEEP ? chunk.subarray(chunk.length - KEEP) : Buffer.concat([this.#tail, chunk]).subarray(-KEEP);
  }

  /** True when the stream's last event is the `[DONE]` sentinel. */
  get sawDone(): boolean {
    const text = this.#tail;
    let end = text.length;
    while (end > 0 && (text[end - 1] === 0x0a || text[end - 1] === 0x0d || text[end - 1] === 0x20)) end--;
    return end >= DONE.length && text.subarray(end - DONE.length, end).equals(DONE);
  }
}
