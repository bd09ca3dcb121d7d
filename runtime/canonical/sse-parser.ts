/**
 * An incremental Server-Sent Events parser for upstream streams (Anthropic, Gemini).
 * Bytes arrive split anywhere (inside a UTF-8 sequence, inside a CRLF); events come out
 * whole. Only the `event` and `data` fields matter to adapters; `id`, `retry` and
 * comments (`: ping`) are skipped. Multi-line `data` is joined with "\n" (the spec's rule).
 */
import { StringDecoder } from "node:string_decoder";

/** One dispatched event. `event` is "message" when the stream named none. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

export class SseParser {
  readonly #decoder = new StringDecoder("utf8");
  /** Text after the last complete line. */
  #rest = "";
  #event = "";
  #data: string[] = [];
  /** True when the previous chunk ended with "\r": a following "\n" belongs to it. */
  #pendingCr = false;

  /** Feeds bytes; returns the events they completed (often none or one). */
  push(chunk: Buffer): SseEvent[] {
    let text = this.#decoder.write(chunk);
    if (this.#pendingCr && text.startsWith("\n")) text = text.slice(1);
    this.#pendingCr = false;
    const out: SseEvent[] = [];
    let buf = this.#rest + text;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.#line(buf.slice(start, i), out);
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else this.#pendingCr = true;
      }
      start = i + 1;
    }
    buf = buf.slice(start);
    this.#rest = buf;
    return out;
  }

  /** The stream ended: an event not terminated by a blank line is dispatched anyway. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    const tail = this.#rest + this.#decoder.end();
    this.#rest = "";
    if (tail !== "") this.#line(tail, out);
    this.#line("", out);
    return out;
  }

  #line(line: string, out: SseEvent[]): void {
    if (line === "") {
      if (this.#data.length > 0) out.push({ event: this.#event === "" ? "message" : this.#event, data: this.#data.join("\n") });
      this.#event = "";
      this.#data = [];
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
  }
}
