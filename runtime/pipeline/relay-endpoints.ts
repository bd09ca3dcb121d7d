/**
 * POST /v1/embeddings, /v1/audio/speech and /v1/audio/transcriptions: admitted like
 * chat (body limit, JSON depth, a `model` to route on), routed and authorized like chat,
 * counted by the same quotas (embeddings in tokens, speech in characters and tokens,
 * transcriptions in seconds of audio read from the file's header), then relayed by
 * RelayCall to the first target whose protocol offers the endpoint. Embeddings also
 * reach Gemini and Vertex AI, whose adapters translate them.
 *
 * Transcriptions are `multipart/form-data`: the body is read up to the listener's
 * `maxAudioBytes` (kept whole, so a fallback can resend it), routed by its `model`
 * field found by a byte scan, and relayed byte for byte (only that field rewritten when
 * a target names another model). Speech answers (audio) and streamed transcriptions
 * (`stream=true`, SSE) are relayed as they arrive.
 */
import type { LinkedConsumer, LinkedModel, LinkedPlan, LinkedTarget } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import { jsonDepthWithin } from "../canonical/json-depth.js";
import { sendError } from "./respond.js";
import { pickWeighted } from "../routing/select-targets.js";
import type { RequestRecord } from "../base/request-record.js";
import { findField, multipartBoundary, replaceField } from "../canonical/multipart-field.js";
import { RelayCall } from "./relay-call.js";
import { embeddingsUsage, speechUsage, TranscriptionStreamUsage, transcriptionUsage } from "./relay-usage.js";
import { routeRequest } from "./route-request.js";
import { readJsonBody } from "./read-json-body.js";
import { gatewayError } from "../base/errors.js";
import { admitQuotas, planQuotasOf } from "./admit-quotas.js";
import { embeddingsDemand, speechDemand, transcriptionDemand, type Demand } from "../stages/quotas/demand.js";
import { audioDuration } from "../canonical/audio/duration.js";
import type { LinkedRoute } from "../plan/linked-plan.js";
import type { GatewayError } from "../base/errors.js";
import { guardRelayAnswer, guardRelayInput } from "../stages/guardrails/relay-guard.js";

/** The screening of a relayed request's text by its route's guardrails (relay-guard.ts): null to go on (rewritten or not), or the refusal. */
type Screen = (route: LinkedRoute) => GatewayError | null;

/** A Screen over `texts` (parameter `param`) whose rewrite, if any, goes to `onRewrite`. */
function screenTexts(plan: LinkedPlan, record: RequestRecord, texts: readonly string[], param: string, onRewrite: (texts: readonly string[]) => void): Screen {
  return (route) => {
    const g = plan.guardrailsByRoute?.[route.index] ?? null;
    if (g === null || texts.length === 0) return null;
    const verdict = guardRelayInput(g, record, texts, param);
    if (!verdict.ok) return verdict.error;
    if (verdict.changed) onRewrite(verdict.texts);
    return null;
  };
}

/** Longest model name accepted (as for chat). */
const MAX_MODEL_NAME = 256;
/** Default audio upload limit for plans compiled before `maxAudioBytes` existed. */
const DEFAULT_MAX_AUDIO_BYTES = 25 * 1024 * 1024;

type Admitted = { raw: Buffer; body: Record<string, unknown>; model: string } | null;

/** Reads and checks a JSON body with a `model`; null after answering the client's error. */
async function admitJson(ex: Exchange, plan: LinkedPlan, requestId: string): Promise<Admitted> {
  const read = await readJsonBody(ex, plan, requestId);
  if (read === null) return null;
  const { raw, value } = read;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    sendError(ex, requestId, gatewayError("invalid-request", { reason: "request body must be a JSON object" }));
    return null;
  }
  const body = value as Record<string, unknown>;
  const model = body["model"];
  if (typeof model !== "string" || model.length === 0 || model.length > MAX_MODEL_NAME) {
    sendError(ex, requestId, gatewayError("invalid-request", { reason: "`model` is required and must be a non-empty string" }, { param: "model" }));
    return null;
  }
  return { raw, body, model };
}

/** Routes and admits on the plan's quotas: the model to serve, or null after answering. */
async function routeAndAdmit(
  ex: Exchange,
  plan: LinkedPlan,
  consumer: LinkedConsumer,
  requested: string,
  requestId: string,
  record: RequestRecord,
  demand: () => Demand,
  screen: Screen | null = null,
): Promise<LinkedModel | null> {
  const route = routeRequest(ex, plan, consumer, requested, requestId, record);
  if (route === null) return null;
  // Guardrails before quotas, as for chat: a refused request reserves nothing.
  const refused = screen?.(route) ?? null;
  if (refused !== null) {
    sendError(ex, requestId, refused);
    return null;
  }
  const model = route.model;
  const quotas = planQuotasOf(record);
  if (quotas === null) return model;
  const admitted = await admitQuotas(quotas, ex, requestId, consumer, model, demand(), record);
  // The client may have left while a shared store answered.
  return admitted === null || ex.aborted ? null : admitted;
}

function renamed(raw: Buffer, body: Record<string, unknown>, requested: string): (t: LinkedTarget) => Buffer | string {
  return (t) => (t.model === requested ? raw : JSON.stringify({ ...body, model: t.model }));
}

/** POST /v1/embeddings. */
export async function handleEmbeddings(ex: Exchange, plan: LinkedPlan, consumer: LinkedConsumer, requestId: string, record: RequestRecord): Promise<void> {
  const admitted = await admitJson(ex, plan, requestId);
  if (admitted === null) return;
  const { raw, body, model: requested } = admitted;
  const input = body["input"];
  if (input === undefined || input === null || (typeof input !== "string" && !Array.isArray(input))) {
    return sendError(ex, requestId, gatewayError("invalid-request", { reason: "`input` is required: a string, an array of strings, or token arrays" }, { param: "input" }));
  }
  let sent = { raw, body };
  const texts = typeof input === "string" ? [input] : input.every((x) => typeof x === "string") ? (input as string[]) : [];
  const screen = screenTexts(plan, record, texts, "input", (next) => {
    const rewritten = { ...body, input: typeof input === "string" ? next[0]! : [...next] };
    sent = { raw: Buffer.from(JSON.stringify(rewritten)), body: rewritten };
  });
  const model = await routeAndAdmit(ex, plan, consumer, requested, requestId, record, () => embeddingsDemand(input), screen);
  if (model === null) return;
  record.body = raw;
  new RelayCall({
    exchange: ex,
    requestId,
    model,
    first: pickWeighted(model),
    endpoint: "embeddings",
    contentType: "application/json",
    bodyFor: renamed(sent.raw, sent.body, requested),
    streamAnswer: false,
    usageOf: embeddingsUsage,
    record,
    health: plan.health,
    // For adapters that translate embeddings (Gemini, Vertex); OpenAI-shaped ones relay `raw`.
    json: sent.body,
    requestedModel: requested,
  }).start();
}

/** POST /v1/audio/speech: text in, audio out (relayed as it arrives). */
export async function handleSpeech(ex: Exchange, plan: LinkedPlan, consumer: LinkedConsumer, requestId: string, record: RequestRecord): Promise<void> {
  const admitted = await admitJson(ex, plan, requestId);
  if (admitted === null) return;
  const { raw, body, model: requested } = admitted;
  const input = body["input"];
  if (typeof input !== "string" || input.length === 0) {
    return sendError(ex, requestId, gatewayError("invalid-request", { reason: "`input` is required: the text to speak" }, { param: "input" }));
  }
  let sent = { raw, body };
  const screen = screenTexts(plan, record, [input], "input", (next) => {
    const rewritten = { ...body, input: next[0]! };
    sent = { raw: Buffer.from(JSON.stringify(rewritten)), body: rewritten };
  });
  const model = await routeAndAdmit(ex, plan, consumer, requested, requestId, record, () => speechDemand(input), screen);
  if (model === null) return;
  record.body = raw;
  record.stream = true;
  const usage = speechUsage(input.length);
  new RelayCall({
    exchange: ex,
    requestId,
    model,
    first: pickWeighted(model),
    endpoint: "audio/speech",
    contentType: "application/json",
    bodyFor: renamed(sent.raw, sent.body, requested),
    streamAnswer: true,
    usageOf: () => usage,
    record,
    health: plan.health,
  }).start();
}

/** POST /v1/audio/transcriptions: a multipart upload, relayed byte for byte. */
export async function handleTranscription(ex: Exchange, plan: LinkedPlan, consumer: LinkedConsumer, requestId: string, record: RequestRecord): Promise<void> {
  const contentType = ex.headers["content-type"];
  const boundary = multipartBoundary(contentType);
  const limit = plan.listener.maxAudioBytes ?? DEFAULT_MAX_AUDIO_BYTES;
  // Read before answering anything: uWS delivers the body only to a reader registered now.
  const raw = await ex.readBody(limit);
  if (raw === "aborted") return;
  if (raw === "too-large") {
    return sendError(ex, requestId, gatewayError("audio-too-large", { limit }), true);
  }
  if (boundary === null || contentType === undefined) {
    return sendError(ex, requestId, gatewayError("invalid-request", { reason: "send the audio as `multipart/form-data` with `file` and `model` fields" }));
  }
  const span = findField(raw, boundary, "model");
  const requested = span === null ? "" : raw.toString("utf8", span.start, span.end).trim();
  if (requested.length === 0 || requested.length > MAX_MODEL_NAME) {
    return sendError(ex, requestId, gatewayError("invalid-request", { reason: "the `model` form field is required" }, { param: "model" }));
  }
  const file = findField(raw, boundary, "file");
  if (file === null) {
    return sendError(ex, requestId, gatewayError("invalid-request", { reason: "the `file` form field (the audio) is required" }, { param: "file" }));
  }
  // The `prompt` field is user text that reaches the model: screened like any input.
  let upload = raw;
  let modelSpan = span;
  const promptSpan = findField(raw, boundary, "prompt");
  const prompt = promptSpan === null ? [] : [raw.toString("utf8", promptSpan.start, promptSpan.end)];
  const screen = screenTexts(plan, record, prompt, "prompt", (next) => {
    upload = replaceField(raw, promptSpan!, next[0]!);
    modelSpan = findField(upload, boundary, "model")!;
  });
  // The duration is read only when a quota is there to count it.
  const model = await routeAndAdmit(ex, plan, consumer, requested, requestId, record, () => transcriptionDemand(audioDuration(raw.subarray(file.start, file.end)).seconds), screen);
  if (model === null) return;
  // `stream=true`: the transcript arrives as SSE events, relayed as they come; usage is on the last one.
  const streamField = findField(raw, boundary, "stream");
  const streamed = streamField !== null && raw.toString("latin1", streamField.start, streamField.end).trim() === "true";
  const watch = streamed ? new TranscriptionStreamUsage() : null;
  record.stream = streamed;
  const guard = plan.guardrailsByRoute?.[record.route!.index] ?? null;
  // Output checks screen a transcript whole; a streamed one would pass unscreened, so it is refused (fail closed).
  if (streamed && guard?.output != null) {
    return sendError(
      ex,
      requestId,
      gatewayError("invalid-request", { reason: "this model's output guardrails screen transcripts whole: send the request without `stream=true`" }, { param: "stream" }),
    );
  }
  new RelayCall({
    exchange: ex,
    requestId,
    model,
    first: pickWeighted(model),
    endpoint: "audio/transcriptions",
    contentType,
    bodyFor: (t) => (t.model === requested ? upload : replaceField(upload, modelSpan!, t.model)),
    streamAnswer: streamed,
    ...(watch === null ? {} : { onChunk: (chunk: Buffer) => watch.push(chunk) }),
    usageOf: (body) => (watch === null ? transcriptionUsage(body) : watch.usage),
    ...(guard?.output == null ? {} : { screenAnswer: (body: Buffer) => guardRelayAnswer(guard, record, body) }),
    record,
    health: plan.health,
  }).start();
}
