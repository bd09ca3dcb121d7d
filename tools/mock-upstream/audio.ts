/**
 * `POST /v1/audio/transcriptions` and `POST /v1/audio/speech`, deterministic:
 *
 * - a transcription answers `{"text", "usage":{"type":"duration","seconds"}}` (whisper's
 *   shape; `verbose_json` adds `duration`, `language`, `segments`; `text` is plain text),
 *   the seconds being the duration its header says (as a provider that decodes it would
 *   find), else its size at 16 kB/s, rounded up to whole seconds either way; with
 *   `stream=true` it answers OpenAI's transcription stream instead (SSE `data:` events: one
 *   `transcript.text.delta` per word, then `transcript.text.done` with the text and token
 *   `usage`, as gpt-4o-transcribe reports it: 10 input tokens per second of audio, one
 *   output token per word);
 * - speech answers audio bytes (100 per input character, `audio/mpeg` unless
 *   `response_format` says otherwise), written in 4 KiB chunks like a streaming TTS.
 *
 * Model directives (`whisper-1+status=429`) script failures as for chat.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { MockBehaviour } from "./behaviour.js";
import { chooseBehaviour } from "./directives.js";
import { sendError } from "./openai-error.js";
import { audioDuration } from "../../runtime/canonical/audio/duration.js";

/** The transcript every upload gets. */
export const MOCK_TRANSCRIPT = "Tollgate mock transcript.";
/** Bytes of speech per input character. */
export const SPEECH_BYTES_PER_CHAR = 100;

const SPEECH_TYPES: Readonly<Record<string, string>> = {
  mp3: "audio/mpeg",
  opus: "audio/ogg",
  aac: "audio/aac",
  flac: "audio/flac",
  wav: "audio/wav",
  pcm: "audio/pcm",
};

/** The text fields and the file size of a multipart body (read as latin1: one char per byte). */
function formFields(body: string, contentType: string | undefined): { fields: Map<string, string>; file: Buffer | null } | null {
  const m = /boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? "");
  const boundary = m?.[1] ?? m?.[2];
  if (boundary === undefined) return null;
  const fields = new Map<string, string>();
  let file: Buffer | null = null;
  for (const part of body.split(`--${boundary}`).slice(1)) {
    const split = part.indexOf("\r\n\r\n");
    if (split === -1) continue;
    const headers = part.slice(0, split);
    const value = part.slice(split + 4).replace(/\r\n$/, "");
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) continue;
    if (/filename="/i.test(headers)) file = Buffer.from(value, "latin1");
    else fields.set(name, value);
  }
  return { fields, file };
}

function behaviourFor(res: ServerResponse, defaults: Readonly<MockBehaviour>, headers: IncomingHttpHeaders, model: string): boolean {
  const choice = chooseBehaviour(defaults, headers, model);
  if (choice.error !== undefined) {
    sendError(res, 400, choice.error, { code: "invalid_mock_directive" });
    return false;
  }
  const status = choice.behaviour.status;
  if (status !== undefined) {
    sendError(res, status, `Mock upstream: scripted ${status} error.`, status === 429 ? { retryAfterSeconds: choice.behaviour.retryAfterSeconds ?? 1 } : {});
    return false;
  }
  return true;
}

/** Answers a transcription upload. `body` is the raw body as latin1 text. */
export function sendTranscription(res: ServerResponse, defaults: Readonly<MockBehaviour>, headers: IncomingHttpHeaders, body: string): void {
  const form = formFields(body, headers["content-type"]);
  if (form === null) return sendError(res, 400, "Expected a multipart/form-data body.");
  const model = form.fields.get("model");
  if (model === undefined || form.file === null) return sendError(res, 400, "'file' and 'model' are required.");
  if (!behaviourFor(res, defaults, headers, model)) return;
  const seconds = Math.max(1, Math.ceil(audioDuration(form.file).seconds));
  if (form.fields.get("stream") === "true") return streamTranscription(res, seconds);
  const format = form.fields.get("response_format") ?? "json";
  let out: string;
  let type = "application/json";
  if (format === "text") {
    out = MOCK_TRANSCRIPT;
    type = "text/plain; charset=utf-8";
  } else if (format === "verbose_json") {
    out = JSON.stringify({ task: "transcribe", language: "english", duration: seconds, text: MOCK_TRANSCRIPT, segments: [], usage: { type: "duration", seconds } });
  } else {
    out = JSON.stringify({ text: MOCK_TRANSCRIPT, usage: { type: "duration", seconds } });
  }
  res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(out) });
  res.end(out);
}

/** The transcript as OpenAI's transcription stream, one SSE event per write. */
function streamTranscription(res: ServerResponse, seconds: number): void {
  const words = MOCK_TRANSCRIPT.split(/(?= )/);
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const delta of words) res.write(`data: ${JSON.stringify({ type: "transcript.text.delta", delta })}\n\n`);
  const usage = {
    type: "tokens",
    input_tokens: seconds * 10,
    input_token_details: { audio_tokens: seconds * 10, text_tokens: 0 },
    output_tokens: words.length,
    total_tokens: seconds * 10 + words.length,
  };
  res.end(`data: ${JSON.stringify({ type: "transcript.text.done", text: MOCK_TRANSCRIPT, usage })}\n\n`);
}

/** Answers a speech request with deterministic audio bytes, in chunks. */
export function sendSpeech(res: ServerResponse, defaults: Readonly<MockBehaviour>, headers: IncomingHttpHeaders, text: string): void {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return sendError(res, 400, "We could not parse the JSON body of your request.");
  }
  const { model, input } = body;
  if (typeof model !== "string" || typeof input !== "string" || typeof body["voice"] !== "string") {
    return sendError(res, 400, "'model', 'input' and 'voice' are required.");
  }
  if (!behaviourFor(res, defaults, headers, model)) return;
  const format = typeof body["response_format"] === "string" ? body["response_format"] : "mp3";
  const audio = speechBytes(input.length);
  res.writeHead(200, { "content-type": SPEECH_TYPES[format] ?? "audio/mpeg", "transfer-encoding": "chunked" });
  for (let i = 0; i < audio.length; i += 4096) res.write(audio.subarray(i, i + 4096));
  res.end();
}

/** The audio the mock speaks for `chars` characters: a fixed byte pattern. */
export function speechBytes(chars: number): Buffer {
  const out = Buffer.alloc(chars * SPEECH_BYTES_PER_CHAR);
  for (let i = 0; i < out.length; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}
