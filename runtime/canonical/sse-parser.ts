/**
 * An incremental Server-Sent Events parser for upstream streams (Anthropic, Gemini).
 * Bytes arrive split anywhere (inside a UTF-8 sequence, inside a CRLF); events come out
 * whole. Only the `event` and `data` fields matter to adapters; `id`, `retry` and
 * comments (`: ping`) are skipped. Multi-line `data` is joined with "\n" (the spec's rule).
 *
 * Linear in the stream: each chunk's text is scanned once (a line split over many
 * chunks is kept as pieces and joined once, when it ends), and an event over
 * MAX_STREAM_EVENT_BYTES characters stops the parser (`tooLarge`) instead of growing.
 */
import { StringDecoder } from "node:string_decoder";
import { MAX_STREAM_EVENT_BYTES } from "./stream-limits.js";

/** One dispatched event. `event` is "message" when the stream named none. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

export class SseParser {
  readonly #decoder = new StringDecoder("utf8");
  readonly #limit: number;
  /** Pieces of the line not yet ended, and their length. */
  #pieces: string[] = [];
  #pieceLength = 0;
  #event = "";
  #data: string[] = [];
  /** Characters of the event so far (its data lines and the unfinished line). */
  #eventLength = 0;
  /** True when the previous chunk ended with "\r": a following "\n" belongs to it. */
  #pendingCr = false;
  /** An event grew past the limit: the parser stopped; nothing more comes out. */
  tooLarge = false;

  constructor(limit = MAX_STREAM_EVENT_BYTES) {
    this.#limit = limit;
  }

  /** Feeds bytes; returns the events they completed (often none or one). */
  push(chunk: Buffer): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.tooLarge) return out;
    this.#scan(this.#decoder.write(chunk), out);
    return out;
  }

  /** The stream ended: an event not terminated by a blank line is dispatched anyway. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.tooLarge) return out;
    this.#scan(this.#decoder.end(), out);
    if (this.#pieceLength > 0 || this.#pieces.length > 0) this.#line(this.#takeLine(""), out);
    this.#line("", out);
    return out;
  }

  #scan(text: string, out: SseEvent[]): void {
    let start = 0;
    if (this.#pendingCr && text.charCodeAt(0) === 10) start = 1;
    if (text.length > 0) this.#pendingCr = false;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.#line(this.#takeLine(text.slice(start, i)), out);
      if (this.tooLarge) return;
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else this.#pendingCr = true;
      }
      start = i + 1;
    }
    if (start < text.length) {
      const piece = text.slice(start);
      this.#pieces.push(piece);
      this.#pieceLength += piece.length;
      if (this.#eventLength + this.#pieceLength > this.#limit) this.#stop();
    }
  }

  /** The unfinished line's pieces and `last`, as one string. */
  #takeLine(last: string): string {
    if (this.#pieces.length === 0) return last;
    this.#pieces.push(last);
    const line = this.#pieces.join("");
    this.#pieces = [];
    this.#pieceLength = 0;
    return line;
  }

  #stop(): void {
    this.tooLarge = true;
    this.#pieces = [];
    this.#data = [];
  }

  #line(line: string, out: SseEvent[]): void {
    if (line === "") {
      if (this.#data.length > 0) out.push({ event: this.#event === "" ? "message" : this.#event, data: this.#data.join("\n") });
      this.#event = "";
      this.#data = [];
      this.#eventLength = 0;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") {
      this.#data.push(value);
      this.#eventLength += value.length + 1;
      if (this.#eventLength > this.#limit) this.#stop();
    } else if (field === "event") this.#event = value;
  }
}
