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
 *
 * A `[DONE]` after no content and no finish reason (an upstream that answered 200 and
 * then nothing) is a failure, not an empty answer: the decoder reports an error and
 * holds the `[DONE]` back, so the attempt falls back like a 5xx. Until the first
 * content or finish reason, pass-through mode therefore lets only whole events out
 * (a `[DONE]` split across chunks never half-reaches the client); after it, bytes
 * pass as they come.
 *
 * An event split over many chunks is kept as those chunks and joined once, when its
 * blank line arrives (only the new bytes are searched for it), so the work is linear
 * in the stream; an event over MAX_STREAM_EVENT_BYTES ends the attempt with an error.
 *
 * Once the answer is live, a plan that does not read the generated characters
 * (`countOutput` false: no quotas, ledger or audit log) needs nothing from an event that
 * ends with `,"usage":null}` (the `include_usage` layout): the object's last member says
 * it carries no usage, and the `[DONE]` and error checks look only at the event's start.
 * Such an event costs a few byte compares at its two ends instead of a scan, so the
 * usage chunk and `[DONE]` at the stream's tail are the only events read through.
 */
import type { StreamDecoder } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import type { Usage } from "../../base/usage.js";
import { classifyEmbeddedError } from "./errors.js";
import { newJsonFacts, scanJson } from "./json-scan.js";
import { usageAt } from "./usage.js";
import { MAX_STREAM_EVENT_BYTES, streamEventTooLarge } from "../../canonical/stream-limits.js";

/** `,"usage":null`: the bytes cut from every event when hiding. */
const USAGE_NULL_LENGTH = 13;
/** `,"usage":null}`: how an `include_usage` event without usage ends. */
const USAGE_NULL_END = ',"usage":null}';
/** Longest event opening remembered (ids, model names and fingerprints fit easily). */
const MAX_OPENING = 256;

/** Verdicts of #event besides a cut offset (which is always ≥ 0). */
const KEEP = -1;
const DROP = -2;

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

/** True when `buf` holds `ascii` at `at`. */
function startsWith(buf: Buffer, at: number, ascii: string): boolean {
  for (let k = 0; k < ascii.length; k++) if (buf[at + k] !== ascii.charCodeAt(k)) return false;
  return true;
}

/**
 * The offset of the `,"usage":null` that closes the JSON object of the event ending at
 * `end` (before its blank line), or -1 when the event does not end so. Inside a string a
 * quote is escaped, so these bytes right before the object's last brace are its last member.
 */
function usageNullTail(buf: Buffer, payload: number, end: number): number {
  let e = end;
  while (e > payload && (buf[e - 1] === 0x0a || buf[e - 1] === 0x0d)) e--;
  const at = e - USAGE_NULL_END.length;
  return at > payload && startsWith(buf, at, USAGE_NULL_END) ? at : -1;
}

/** Implements {@link StreamDecoder} for OpenAI-compatible upstreams. */
export class OpenAIStreamDecoder implements StreamDecoder {
  usage: Usage | null = null;
  error: ProviderError | null = null;
  complete = false;
  outputChars = 0;
  readonly #hide: boolean;
  /** Count outputChars for the whole stream (else only until it is live: see the file's comment). */
  readonly #countOutput: boolean;
  /** The chunks of an event not yet ended by a blank line (they hold no event end), and their size. */
  #carry: Buffer[] = [];
  #carrySize = 0;
  readonly #facts = newJsonFacts();
  /** The opening bytes of the last fully scanned event, up to its first watched key (see #event). */
  #opening: Buffer | null = null;
  #prefixLength = 0;
  /** A `finish_reason` was seen. */
  #finished = false;

  /**
   * @param hideUsage the gateway asked for the usage chunk: hide it and the `"usage":null` of every event
   * @param countOutput the plan reads `outputChars` (quotas, the usage ledger, the audit log)
   */
  constructor(hideUsage: boolean, countOutput = true) {
    this.#hide = hideUsage;
    this.#countOutput = countOutput;
  }

  push(chunk: Buffer): Buffer | null {
    if (!this.#hide) {
      if (!this.#live) return this.#inspectWhole(chunk);
      this.#inspect(chunk);
      return chunk;
    }
    const data = this.#joined(chunk);
    if (data === null) return null;
    // What to send is compacted in place, once an event must change: the kept spans move
    // left over the cut bytes (copyWithin: a memmove, no allocation). The upstream's chunk
    // belongs to this decoder alone, and the partial event kept in #carry lies after
    // everything moved.
    let changed = false;
    let size = 0;
    let pos = 0;
    let copied = 0;
    for (let end = eventEnd(data, 0); end !== -1; end = eventEnd(data, pos)) {
      const verdict = this.#event(data, pos, end);
      if (verdict !== KEEP) {
        changed = true;
        // DROP: the whole event goes; else `verdict` is where `,"usage":null` starts: send around it.
        const upTo = verdict === DROP ? pos : verdict;
        if (size !== copied) data.copyWithin(size, copied, upTo);
        size += upTo - copied;
        copied = verdict === DROP ? end : verdict + USAGE_NULL_LENGTH;
      }
      pos = end;
    }
    this.#keep(data, pos, false);
    if (!changed) return pos === 0 ? null : pos === data.length ? data : data.subarray(0, pos);
    if (size !== copied) data.copyWithin(size, copied, pos);
    size += pos - copied;
    return size === 0 ? null : data.subarray(0, size);
  }

  end(): Buffer | null {
    // A trailing event without its blank line is incomplete: never relay half an event.
    this.#carry = [];
    this.#carrySize = 0;
    return null;
  }

  /** Pass-through mode: watches complete events, keeping a partial one for the next chunk. */
  #inspect(chunk: Buffer): void {
    const data = this.#joined(chunk);
    if (data === null) return;
    let pos = 0;
    for (let end = eventEnd(data, 0); end !== -1; end = eventEnd(data, pos)) {
      this.#event(data, pos, end);
      pos = end;
    }
    // The chunk itself goes to the client: keep a copy of its unfinished tail, not a view.
    this.#keep(data, pos, true);
  }

  /**
   * The carried event's chunks and `chunk` as one buffer when `chunk` ends an event
   * (its blank line may start in the carried bytes), else null (carried, or over the cap).
   */
  #joined(chunk: Buffer): Buffer | null {
    if (this.#carrySize === 0) return chunk;
    const last = this.#carry[this.#carry.length - 1]!;
    const seam = Buffer.concat([last.subarray(Math.max(0, last.length - 2)), chunk.subarray(0, Math.min(chunk.length, 2))]);
    if (eventEnd(seam, 0) === -1 && eventEnd(chunk, 0) === -1) return this.#carryOn(chunk);
    this.#carry.push(chunk);
    const data = Buffer.concat(this.#carry, this.#carrySize + chunk.length);
    this.#carry = [];
    this.#carrySize = 0;
    return data;
  }

  /** Adds a chunk that ends no event to the carried ones; over the cap, the attempt fails. */
  #carryOn(chunk: Buffer): null {
    this.#carry.push(chunk);
    this.#carrySize += chunk.length;
    if (this.#carrySize > MAX_STREAM_EVENT_BYTES) {
      this.error ??= streamEventTooLarge("openai-compatible upstream");
      this.#carry = [];
      this.#carrySize = 0;
    }
    return null;
  }

  /** Carries `data[pos…]`, the start of an unfinished event (a copy when the data is relayed as it is). */
  #keep(data: Buffer, pos: number, copy: boolean): void {
    if (pos >= data.length) return;
    const rest = copy ? Buffer.from(data.subarray(pos)) : data.subarray(pos);
    this.#carry = [rest];
    this.#carrySize = rest.length;
    if (this.#carrySize > MAX_STREAM_EVENT_BYTES) this.#carryOn(Buffer.alloc(0));
  }

  /** Something was generated or a finish reason came: from now on a `[DONE]` ends a real answer. */
  get #live(): boolean {
    return this.#finished || this.outputChars > 0;
  }

  /**
   * Pass-through mode before anything was generated: lets out whole events only (the
   * partial one waits, unsent, in #carry), and none of a `[DONE]` that ends nothing.
   * Once live, everything goes, the partial event too (#carry then holds sent bytes,
   * kept for inspection, as in #inspect).
   */
  #inspectWhole(chunk: Buffer): Buffer | null {
    // The carried bytes are unsent here, so the joined buffer is what may go out.
    const data = this.#joined(chunk);
    if (data === null) return null;
    let pos = 0;
    for (let end = eventEnd(data, 0); end !== -1; end = eventEnd(data, pos)) {
      if (this.#event(data, pos, end) === DROP) {
        this.#carry = [];
        this.#carrySize = 0;
        return pos === 0 ? null : data.subarray(0, pos);
      }
      pos = end;
    }
    this.#keep(data, pos, true);
    if (this.#live) return data;
    return pos === 0 ? null : data.subarray(0, pos);
  }

  /** True when `buf` holds the remembered opening at `at`. */
  #sameOpening(buf: Buffer, at: number, length: number): boolean {
    const opening = this.#opening!;
    for (let k = 0; k < length; k++) if (buf[at + k] !== opening[k]) return false;
    return true;
  }

  /** Remembers the bytes of the event at `payload` before its first watched key (at `keyAt`, -1: none). */
  #noteOpening(buf: Buffer, payload: number, keyAt: number): void {
    const length = keyAt - payload;
    if (keyAt === -1 || length <= 0 || length > MAX_OPENING) {
      this.#prefixLength = 0;
      return;
    }
    this.#opening ??= Buffer.allocUnsafe(MAX_OPENING);
    buf.copy(this.#opening, 0, payload, keyAt);
    this.#prefixLength = length;
  }

  /** Looks at the event `buf[start, end)`: KEEP it, DROP it, or the offset of a `,"usage":null` to cut out of it. */
  #event(buf: Buffer, start: number, end: number): number {
    // `data:` opens the event's line (comments and other fields are relayed as they are).
    let payload = start;
    while (payload < end && !startsWith(buf, payload, "data:")) {
      const eol = buf.indexOf(0x0a, payload);
      if (eol === -1 || eol >= end) return KEEP;
      payload = eol + 1;
    }
    if (payload >= end) return KEEP;
    payload += 5;
    if (buf[payload] === 0x20) payload++;
    if (startsWith(buf, payload, "[DONE]")) {
      if (!this.#finished && this.outputChars === 0 && this.error === null) {
        this.error = { class: "server", status: 200, message: "the upstream ended its stream with no content and no finish reason", code: null, retryAfterMs: null };
        return DROP;
      }
      this.complete = true;
      return KEEP;
    }
    if (startsWith(buf, payload, '{"error"')) {
      this.error = classifyEmbeddedError(buf.subarray(payload, end)) ?? this.error;
      return KEEP;
    }
    if (!this.#countOutput && this.#live) {
      const tail = usageNullTail(buf, payload, end);
      if (tail !== -1) return this.#hide ? tail : KEEP;
    }
    // The events of a stream open alike (id, object, created, model, fingerprint): when this
    // one starts with the bytes that preceded the previous event's first watched key, the
    // scan starts after them (they hold nothing watched, and end outside any string).
    const known = this.#prefixLength;
    const skip = known > 0 && end - payload > known && this.#sameOpening(buf, payload, known);
    const facts = scanJson(buf, skip ? payload + known : payload, end, this.#facts);
    if (!skip) this.#noteOpening(buf, payload, facts.firstKeyAt);
    this.outputChars += facts.chars;
    if (facts.finish) this.#finished = true;
    if (facts.usageAt !== -1) {
      this.usage = usageAt(buf, facts.usageAt, end) ?? this.usage;
      return this.#hide && facts.emptyChoices ? DROP : KEEP;
    }
    return this.#hide && facts.usageNullAt !== -1 ? facts.usageNullAt : KEEP;
  }
}
