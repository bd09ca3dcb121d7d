/**
 * The AWS event-stream framing (`application/vnd.amazon.eventstream`) of ConverseStream:
 * `[u32 total][u32 headers_len][u32 prelude_crc][headers][payload][u32 message_crc]`,
 * big-endian. Frames arrive split anywhere or several per chunk; this buffers until a
 * frame is whole and decodes it with the maintained `@smithy/eventstream-codec` (which
 * checks both CRCs and throws on a mismatch).
 */
import { createRequire } from "node:module";
import type { EventStreamCodec, Message } from "@smithy/eventstream-codec";

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

/** Largest frame accepted (AWS caps event-stream messages at 16 MiB). */
const MAX_FRAME = 16 * 1024 * 1024 + 1024;

export class FrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the whole frames they completed. Throws on a corrupt frame. */
  push(chunk: Buffer): Frame[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const out: Frame[] = [];
    while (this.#buffer.length >= 4) {
      const total = this.#buffer.readUInt32BE(0);
      if (total < 16 || total > MAX_FRAME) throw new Error(`event-stream frame length ${total} is out of range`);
      if (this.#buffer.length < total) break;
      const message = eventStreamCodec().decode(this.#buffer.subarray(0, total));
      this.#buffer = this.#buffer.subarray(total);
      out.push(frameOf(message));
    }
    return out;
  }

  /** True when bytes of an unfinished frame are buffered. */
  get partial(): boolean {
    return this.#buffer.length > 0;
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
