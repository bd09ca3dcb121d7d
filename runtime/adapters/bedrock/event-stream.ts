/**
 * The AWS event-stream framing (`application/vnd.amazon.eventstream`) of ConverseStream:
 * `[u32 total][u32 headers_len][u32 prelude_crc][headers][payload][u32 message_crc]`,
 * big-endian. Frames arrive split anywhere or several per chunk; this keeps the chunks
 * of an unfinished frame as they came and joins them once, when the frame is whole
 * (linear in the stream however finely it is split), and decodes it with the
 * maintained `@smithy/eventstream-codec` (which checks both CRCs and throws on a
 * mismatch). A frame announcing more than MAX_STREAM_EVENT_BYTES is refused at once.
 */
import { createRequire } from "node:module";
import type { EventStreamCodec, Message } from "@smithy/eventstream-codec";
import { MAX_STREAM_EVENT_BYTES } from "../../canonical/stream-limits.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let codec: EventStreamCodec | null = null;

/**
 * The codec, loaded on first use: the Smithy packages weigh ~4 MB per thread, and only
 * a plan with a Bedrock provider ever frames an event stream. Loaded synchronously
 * (their CommonJS build) because a frame is decoded inside a synchronous data callback.
 */
function eventStreamCodec(): EventStreamCodec {
  if (codec !== null) return codec;
  const smithy = createRequire(import.meta.url)("@smithy/eventstream-codec") as typeof import("@smithy/eventstream-codec");
  codec = new smithy.EventStreamCodec(
    (b: Uint8Array) => decoder.decode(b),
    (s: string) => encoder.encode(s),
  );
  return codec;
}

/** A decoded frame: its `:message-type`, `:event-type` / `:exception-type` and JSON payload text. */
export interface Frame {
  readonly messageType: string;
  readonly type: string;
  readonly payload: string;
}

/** A frame whose length is over the cap: the attempt ends with an upstream error, not a corrupt-frame one. */
export class FrameTooLarge extends Error {}

export class FrameDecoder {
  /** Chunks of the unfinished frame(s), in order, and their total size. */
  #chunks: Buffer[] = [];
  #size = 0;

  /** Feeds bytes; returns the whole frames they completed. Throws on a corrupt frame, FrameTooLarge over the cap. */
  push(chunk: Buffer): Frame[] {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    const out: Frame[] = [];
    while (this.#size >= 4) {
      const total = this.#frameLength();
      if (total > MAX_STREAM_EVENT_BYTES) throw new FrameTooLarge(`event-stream frame of ${total} bytes is over the ${MAX_STREAM_EVENT_BYTES}-byte cap`);
      if (total < 16) throw new Error(`event-stream frame length ${total} is out of range`);
      if (this.#size < total) break;
      // Whole: join the chunks once, decode every frame they complete, keep the rest.
      const buffer = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size);
      let at = 0;
      while (buffer.length - at >= 4) {
        const length = buffer.readUInt32BE(at);
        if (length < 16 || length > MAX_STREAM_EVENT_BYTES || buffer.length - at < length) break;
        out.push(frameOf(eventStreamCodec().decode(buffer.subarray(at, at + length))));
        at += length;
      }
      const rest = buffer.subarray(at);
      this.#chunks = rest.length === 0 ? [] : [rest];
      this.#size = rest.length;
    }
    return out;
  }

  /** The length field of the frame at the front (its first four bytes may span chunks). */
  #frameLength(): number {
    const first = this.#chunks[0]!;
    if (first.length >= 4) return first.readUInt32BE(0);
    let value = 0;
    let read = 0;
    for (const c of this.#chunks) {
      for (let i = 0; i < c.length && read < 4; i++, read++) value = value * 256 + c[i]!;
      if (read === 4) break;
    }
    return value;
  }

  /** True when bytes of an unfinished frame are buffered. */
  get partial(): boolean {
    return this.#size > 0;
  }
}

function header(message: Message, name: string): string {
  const h = message.headers[name];
  return h !== undefined && h.type === "string" ? h.value : "";
}

function frameOf(message: Message): Frame {
  const messageType = header(message, ":message-type");
  const type = messageType === "exception" ? header(message, ":exception-type") : messageType === "error" ? header(message, ":error-code") : header(message, ":event-type");
  const payload = messageType === "error" ? JSON.stringify({ message: header(message, ":error-message") }) : decoder.decode(message.body);
  return { messageType, type, payload };
}

/** Encodes one frame (the mock upstream and tests use it to speak the format). */
export function encodeFrame(messageType: "event" | "exception", type: string, payload: unknown): Uint8Array {
  return eventStreamCodec().encode({
    headers: {
      ":message-type": { type: "string", value: messageType },
      [messageType === "event" ? ":event-type" : ":exception-type"]: { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
    },
    body: encoder.encode(JSON.stringify(payload)),
  });
}
