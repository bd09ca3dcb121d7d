/**
 * The adapter contract: one implementation per wire protocol, registered in one typed
 * table (`registry.ts`). Inside the gateway every chat request and answer is in the
 * OpenAI Chat Completions shape (the canonical form); an adapter translates the
 * canonical request into its provider's request, and the provider's answer (a body,
 * or a stream of bytes) back into canonical bytes plus normalized usage.
 *
 * Adapters are pure translation: they never do I/O, never hold per-process state and
 * never see the client's credentials. Vendors that speak an existing protocol (vLLM,
 * Groq, Mistral, …) are catalog data, not adapters.
 *
 * Hot-path rule: the `openai`/`openai-compatible` adapter forwards the client's bytes
 * (`rawBody`) untouched when nothing must change, and its stream decoder passes bytes
 * through, only watching the tail for usage and the end marker.
 */
import type { PlanAdapterId } from "../../schemas/plan/protocols.js";
import type { LinkedTarget } from "../plan/linked-plan.js";
import type { Usage } from "../base/usage.js";
import type { ProviderError } from "../canonical/provider-error.js";
import type { ChatRequestView } from "../canonical/chat-request.js";

/** The wire protocols (the plan's `upstreams[].adapter`; the list is schemas/plan/protocols.ts `ADAPTER_IDS`). */
export type AdapterId = PlanAdapterId;

/**
 * What to send upstream for one attempt. `headers` are flat [name, value, name, value, …] pairs.
 * The object is handed to undici's `dispatch` as its options, as is: give it no other fields.
 */
export interface UpstreamRequest {
  readonly method: "POST" | "GET";
  /** Path (and query) on the upstream's origin. */
  readonly path: string;
  readonly headers: string[];
  readonly body: Buffer | string | null;
}

/** Everything an adapter needs to build one attempt's request. */
export interface ChatRequestContext {
  readonly target: LinkedTarget;
  /** The canonical (OpenAI-shaped, validated) request. Never mutate its body: copy what you change. */
  readonly request: ChatRequestView;
  /**
   * The client's bytes, forwarded untouched when the adapter needs no change; null when
   * a request stage (template, decorator, redaction, downgrade) changed the request, so
   * the bytes no longer match its body and must be re-serialized.
   */
  readonly rawBody: Buffer | null;
  readonly stream: boolean;
  readonly requestId: string;
  /** True when the client itself asked for a usage chunk (`stream_options.include_usage`). */
  readonly clientWantsStreamUsage: boolean;
  /**
   * False when nothing reads the generated characters of this answer (no quotas, usage
   * ledger or audit log on the plan): a stream decoder may then skip counting them once
   * the answer is live. Absent: count them.
   */
  readonly countOutput?: boolean;
  /**
   * The API key for this attempt (index into the upstream's keys), chosen by weight and
   * health (runtime/reliability/key-ring.ts); absent or -1: the adapter's own rotation.
   */
  readonly key?: number;
}

/** A non-streamed answer, translated. */
export interface DecodedResponse {
  /** A canonical `chat.completion` JSON body. */
  readonly body: Buffer;
  readonly usage: Usage | null;
  /** Characters of generated content (text, tool-call arguments), as StreamDecoder.outputChars; set it. */
  readonly outputChars?: number;
}

/**
 * Translates one streamed answer. Upstream bytes in (split anywhere), canonical
 * OpenAI SSE bytes out (`data: {chat.completion.chunk}\n\n` … `data: [DONE]\n\n`).
 */
export interface StreamDecoder {
  /** Returns the canonical bytes to relay for this upstream chunk (null: nothing yet). */
  push(chunk: Buffer): Buffer | null;
  /** The upstream body ended; returns any remaining canonical bytes. */
  end(): Buffer | null;
  /** Usage seen so far (final once the stream is complete). */
  readonly usage: Usage | null;
  /** Set when the provider reported an error inside the stream; the caller ends the stream with it. */
  readonly error: ProviderError | null;
  /** True once the provider's proper end marker was seen ([DONE], message_stop, …). */
  readonly complete: boolean;
  /**
   * Characters of generated content (text, tool-call arguments) seen so far, so that a
   * stream cut before the provider reported usage can still be charged for what it
   * produced (accounting counts tokens from this when `usage` is null).
   */
  readonly outputChars: number;
}

export interface ChatAdapter {
  readonly id: AdapterId;
  /**
   * True when the adapter relays the upstream's own body bytes (OpenAI-compatible):
   * the client then also gets the upstream's `content-type`. Otherwise the gateway
   * sends the canonical `application/json` / `text/event-stream; charset=utf-8`.
   */
  readonly relaysContentType?: boolean;
  /** OpenAI-shaped endpoints other than chat (embeddings, audio), for adapters that offer them. */
  readonly relay?: RelayCapability;
  /**
   * The Responses API spoken natively (OpenAI, Azure OpenAI): `POST /v1/responses` goes
   * out as the client sent it. Adapters without it serve Responses requests translated
   * to and from chat (runtime/canonical/responses/).
   */
  readonly responses?: ResponsesCapability;
  /**
   * Builds the upstream request, or refuses a request the provider cannot serve (a
   * `bad_request`); a promise when it needs credentials fetched or a signature, which
   * resolves to an `auth` ProviderError when the credentials cannot be had.
   */
  buildChatRequest(ctx: ChatRequestContext): UpstreamRequest | Promise<UpstreamRequest | ProviderError> | ProviderError;
  /** Translates a 2xx non-streamed body; a provider error hidden in a 2xx body is returned as such. */
  decodeChatResponse(body: Buffer, ctx: ChatRequestContext): DecodedResponse | ProviderError;
  createStreamDecoder(ctx: ChatRequestContext): StreamDecoder;
  /** Classifies a non-2xx answer. */
  classifyError(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, body: Buffer): ProviderError;
}

/** Passing a Responses API request through to an upstream that speaks it. */
export interface ResponsesCapability {
  /** The upstream request: the client's Responses body (the model renamed to the target's); a promise when a token must be fetched. */
  build(ctx: ChatRequestContext, body: Readonly<Record<string, unknown>>): UpstreamRequest | Promise<UpstreamRequest | ProviderError>;
  /** Reads a 2xx `response` object (relayed as it is): its usage and characters; a ProviderError when it is none. */
  decode(body: Buffer): DecodedResponse | ProviderError;
  /** Watches a Responses event stream passing through. */
  createStreamDecoder(): StreamDecoder;
}

/** The OpenAI endpoints besides chat that an adapter can relay (the body is OpenAI-shaped on both sides). */
export type RelayEndpoint = "embeddings" | "audio/transcriptions" | "audio/speech";

/**
 * An optional capability: relaying OpenAI-shaped requests (embeddings, audio) to an
 * upstream that speaks them natively. Only the path and the auth headers differ
 * between such upstreams; bodies pass through (the model name rewritten when needed).
 *
 * An upstream that speaks another shape for the endpoint (Gemini `:embedContent`,
 * Vertex `:predict`) sets `translate`: the relay then sends the translated request and
 * maps the answer back to OpenAI's shape. Adapters without it relay bytes as they are.
 */
export interface RelayCapability {
  readonly endpoints: readonly RelayEndpoint[];
  /** Path (and query) of `endpoint` for the upstream model `model` on this target's upstream. */
  path(target: LinkedTarget, endpoint: RelayEndpoint): string;
  /**
   * Appends the auth headers to `headers` (flat pairs): of key `key` (its index among
   * the upstream's keys, chosen by weight and health), or of the next key round-robin
   * when absent or -1.
   */
  addAuth(target: LinkedTarget, headers: string[], key?: number): void;
  /**
   * Translates one OpenAI-shaped JSON request for this target (its `path` is then not
   * used), or refuses it with a `bad_request` the provider could not serve (e.g. token
   * arrays): the relay moves on to the next target, and answers the refusal when none
   * is left. Called once per attempt; never mutates `request.body`.
   */
  translate?(request: RelayRequest): RelayTranslation | ProviderError;
  /**
   * For providers whose authentication signs each request's bytes (Bedrock's SigV4):
   * the headers of one translated call (content type and signature), used instead of
   * `addAuth`.
   */
  sign?(target: LinkedTarget, call: RelayUpstreamCall): Promise<string[]>;
}

/** An OpenAI-shaped JSON relay request, for {@link RelayCapability.translate}. */
export interface RelayRequest {
  readonly target: LinkedTarget;
  readonly endpoint: RelayEndpoint;
  /** The client's parsed JSON body. Never mutate it. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The model name the client sent (OpenAI answers name it in `model`). */
  readonly requestedModel: string;
}

/**
 * One translated relay request, and how to read its answer. It may take several
 * upstream calls when the provider caps the inputs of one call (Gemini: 100 per batch;
 * Vertex's `gemini-embedding-001`: one): the relay sends them a few at a time and
 * joins their answers in order; one failing fails the attempt.
 */
export interface RelayTranslation {
  readonly calls: readonly RelayUpstreamCall[];
  /** Maps the calls' 2xx bodies (in `calls` order) to OpenAI's JSON answer and its usage; a ProviderError when they cannot be read. */
  answer(bodies: readonly Buffer[]): RelayAnswer | ProviderError;
}

/** One upstream call of a translated relay request. */
export interface RelayUpstreamCall {
  /** Path (and query) on the upstream's origin. */
  readonly path: string;
  /** The JSON body to send. */
  readonly body: string;
}

/** A translated answer: OpenAI's JSON body, and the usage to record (the provider's, or an estimate marked `counted`). */
export interface RelayAnswer {
  readonly body: string;
  readonly usage: Usage | null;
}
