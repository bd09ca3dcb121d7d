/**
 * The OpenAI-compatible stream decoder: upstream SSE bytes are already canonical, so
 * they pass through. The decoder splits them into events only to watch: the `[DONE]`
 * marker, the usage chunk, an `{"error":…}` event, and the characters generated.
 *
 * Two modes:
 * - pass-through (the client asked for usage, or the gateway did not add the request):
 *   every chunk goes out as it came, zero copies, before it is inspected;
 * - hiding (the gateway asked for usage on the client's behalf): events go out whole,
 *   the usage-only chunk (`"choices":[]`) is removed and the `"usage":null` that
 *   `include_usage` adds to every other chunk is cut, so the client gets exactly the
 *   bytes it would have got without the gateway's request. A partial event waits for
 *   its end (at most one event's delay).
 */
import type { ProviderError, StreamDecoder } from "../adapter.js";
import type { Usage } from "../../usage/usage.js";
import { classifyEmbeddedError } from "./errors.js";
import { generatedChars, usageOfBody } from "./usage.js";

const DATA = Buffer.from("data:");
const DONE = Buffer.from("[DONE]");
const USAGE_OBJECT = Buffer.from('"usage":{');
const USAGE_NULL = Buffer.from(',"usage":null');
const EMPTY_CHOICES = Buffer.from('"choices":[]');
const ERROR_KEY = Buffer.from('{"error"');

/** Index just past the blank line that ends the event starting at or before `from`, or -1. */
function eventEnd(buf: Buffer, from: number): number {
  let i = buf.indexOf(0x0a, from);
  while (i !== -1) {
    const next = buf[i + 1];
    if (next === 0x0a) return i + 2;
    if (next === 0x0d && buf[i + 2] === 0x0a) return i + 3;
    i = buf.indexOf(0x0a, i + 1);
  }
  return -1;
}

/** Implements {@link StreamDecoder} for OpenAI-compatible upstreams. */
export class OpenAIStreamDecoder implements StreamDecoder {
  usage: Usage | null = null;
  error: ProviderError | null = null;
  complete = false;
  outputChars = 0;
  readonly #hide: boolean;
  /** The start of an event not yet ended by a blank line. */
  #carry: Buffer | null = null;

  constructor(hideUsage: boolean) {
    this.#hide = hideUsage;
  }

  push(chunk: Buffer): Buffer | null {
    if (!this.#hide) {
      this.#inspect(chunk);
      return chunk;
    }
    const data = this.#carry === null ? chunk : Buffer.concat([this.#carry, chunk]);
    let out: Buffer[] | null = null;
    let pos = 0;
    let copied = 0;
    for (let end = eventEnd(data, 0); end !== -1; end = eventEnd(data, pos)) {
      const keep = this.#event(data, pos, end);
      if (keep !== true) {
        out ??= [];
        if (pos > copied) out.push(data.subarray(copied, pos));
        if (keep !== false) out.push(keep);
        copied = end;
      }
      pos = end;
    }
    this.#carry = pos < data.length ? data.subarray(pos) : null;
    if (out === null) return pos === 0 ? null : pos === data.length ? data : data.subarray(0, pos);
    if (pos > copied) out.push(data.subarray(copied, pos));
    return out.length === 0 ? null : out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  end(): Buffer | null {
    // A trailing event without its blank line is incomplete: never relay half an event.
    this.#carry = null;
    return null;
  }

  /** Pass-through mode: watches complete events, keeping a partial one for the next chunk. */
  #inspect(chunk: Buffer): void {
    const data = this.#carry === null ? chunk : Buffer.concat([this.#carry, chunk]);
    let pos = 0;
    for (let end = eventEnd(data, 0); end !== -1; end = eventEnd(data, pos)) {
      this.#event(data, pos, end);
      pos = end;
    }
    this.#carry = pos < data.length ? Buffer.from(data.subarray(pos)) : null;
  }

  /** Looks at one event; returns true to keep it, false to drop it, or its replacement bytes. */
  #event(buf: Buffer, start: number, end: number): boolean | Buffer {
    const data = buf.indexOf(DATA, start);
    if (data === -1 || data >= end) return true;
    let payload = data + DATA.length;
    if (buf[payload] === 0x20) payload++;
    if (buf.indexOf(DONE, payload) === payload) {
      this.complete = true;
      return true;
    }
    if (buf.indexOf(ERROR_KEY, payload) === payload) {
      this.error = classifyEmbeddedError(buf.subarray(payload, end)) ?? this.error;
      return true;
    }
    this.outputChars += generatedChars(buf, payload, end);
    const usageAt = buf.indexOf(USAGE_OBJECT, payload);
    if (usageAt !== -1 && usageAt < end) {
      this.usage = usageOfBody(buf.subarray(payload, end)) ?? this.usage;
      if (this.#hide) {
        const empty = buf.indexOf(EMPTY_CHOICES, payload);
        if (empty !== -1 && empty < end) return false;
      }
      return true;
    }
    if (!this.#hide) return true;
    const nullAt = buf.indexOf(USAGE_NULL, payload);
    if (nullAt === -1 || nullAt >= end) return true;
    return Buffer.concat([buf.subarray(start, nullAt), buf.subarray(nullAt + USAGE_NULL.length, end)]);
  }
}
