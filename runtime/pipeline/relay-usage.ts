/**
 * Usage of the relayed endpoints, from their OpenAI-shaped answers: embeddings report
 * `usage.prompt_tokens`; transcriptions report `usage` as tokens (`input_tokens`,
 * `output_tokens`: gpt-4o-transcribe) or as `{"type":"duration","seconds"}` (whisper),
 * and `verbose_json` answers carry `duration`; a streamed transcription reports its usage
 * on the last event, `transcript.text.done`. Speech answers are audio: their unit is
 * the input's characters, known from the request.
 */
import { SseParser } from "../canonical/sse-parser.js";
import { emptyUsage, type Usage } from "../base/usage.js";

function parse(body: Buffer | null): Record<string, unknown> | null {
  if (body === null || body.length === 0 || body.length > 16 * 1024 * 1024) return null;
  try {
    const v = JSON.parse(body.toString("utf8")) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
}

/** `/v1/embeddings`: input tokens. */
export function embeddingsUsage(body: Buffer | null): Usage | null {
  const usage = obj(parse(body)?.["usage"]);
  const input = num(usage?.["prompt_tokens"]) ?? num(usage?.["total_tokens"]);
  if (input === undefined) return null;
  return { ...emptyUsage(), inputTokens: input };
}

/** `/v1/audio/transcriptions`: seconds of audio, and tokens when the model reports them. */
export function transcriptionUsage(body: Buffer | null): Usage | null {
  return transcriptionAnswerUsage(parse(body));
}

/** The usage of a transcription answer, or of a stream's `transcript.text.done` event. */
function transcriptionAnswerUsage(answer: Record<string, unknown> | null): Usage | null {
  if (answer === null) return null;
  const usage = obj(answer["usage"]);
  const seconds = num(usage?.["seconds"]) ?? num(answer["duration"]);
  const input = num(usage?.["input_tokens"]);
  const output = num(usage?.["output_tokens"]);
  if (seconds === undefined && input === undefined && output === undefined) return null;
  const u: Usage = { ...emptyUsage(), inputTokens: input ?? 0, outputTokens: output ?? 0 };
  if (seconds !== undefined) u.audioSeconds = seconds;
  return u;
}

/** `/v1/audio/speech`: characters of input text. */
export function speechUsage(inputCharacters: number): Usage {
  return { ...emptyUsage(), inputCharacters };
}

/**
 * A streamed transcription (`stream=true`), watched as it is relayed: its usage comes
 * with the final `transcript.text.done` event. Only that event is parsed; the deltas
 * pass by as bytes.
 */
export class TranscriptionStreamUsage {
  readonly #sse = new SseParser();
  #usage: Usage | null = null;

  push(chunk: Buffer): void {
    for (const e of this.#sse.push(chunk)) {
      if (!e.data.includes('"transcript.text.done"') || e.data.length > 16 * 1024 * 1024) continue;
      try {
        const event = JSON.parse(e.data) as unknown;
        if (typeof event === "object" && event !== null && (event as Record<string, unknown>)["type"] === "transcript.text.done") {
          this.#usage = transcriptionAnswerUsage(event as Record<string, unknown>);
        }
      } catch {
        // Not JSON: not an event we can read usage from.
      }
    }
  }

  get usage(): Usage | null {
    return this.#usage;
  }
}
