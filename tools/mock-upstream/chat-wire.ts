/**
 * The OpenAI Chat Completions wire format, built from precomputed string pieces.
 *
 * This mock is the "direct" baseline of the benchmark, so its own cost must be small
 * next to the gateway's: nothing here calls JSON.stringify per request. A stream body is
 * `PIECES.join(head)`, where `head` (id, created, model) is the only per-request part of a
 * chunk and the pieces (everything after it) are cached per (tokens, finish, usage) shape.
 * Field order follows recorded OpenAI traffic (the cassettes test/conformance/cassettes.conformance.test.ts
 * replays; the format: docs/providers.md#openai-chat-completions).
 */
import { completionText, WORDS } from "./content.js";

/** Why the completion ended: `length` when max_tokens cut it short. */
export type FinishReason = "stop" | "length";

/** The per-request identity shared by every chunk of one completion. */
export interface CompletionIdentity {
  /** `chatcmpl-mock-<n>`. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The requested model name, directives stripped, already JSON-encoded (with quotes). */
  modelJson: string;
}

/** The `data: [DONE]` sentinel that ends every OpenAI stream. */
export const DONE = "data: [DONE]\n\n";

/** The start of every chunk of one stream, up to and including the comma before `choices`. */
export function chunkHead(c: CompletionIdentity): string {
  return `data: {"id":"${c.id}","object":"chat.completion.chunk","created":${c.created},"model":${c.modelJson},"system_fingerprint":null,`;
}

/** Chunk tails: what follows the head. `usage` adds `"usage":null`, as OpenAI does with include_usage. */
function tail(choice: string, usage: boolean): string {
  return `"choices":[${choice}]${usage ? ',"usage":null' : ""}}\n\n`;
}

const ROLE_CHOICE = '{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}';
const ROLE_TAIL = [tail(ROLE_CHOICE, false), tail(ROLE_CHOICE, true)] as const;
/** Content tails per word index, without and with `"usage":null`. */
const WORD_TAILS = [false, true].map((usage) => WORDS.map((w) => tail(`{"index":0,"delta":{"content":"${w}"},"logprobs":null,"finish_reason":null}`, usage)));
const FINISH_TAILS: Record<FinishReason, readonly [string, string]> = {
  stop: [finishTail("stop", false), finishTail("stop", true)],
  length: [finishTail("length", false), finishTail("length", true)],
};

function finishTail(reason: FinishReason, usage: boolean): string {
  return tail(`{"index":0,"delta":{},"logprobs":null,"finish_reason":"${reason}"}`, usage);
}

/** The tail of a content chunk carrying `text` (the `say` directive; JSON-escaped here). */
export function contentTail(text: string, usage: boolean): string {
  return tail(`{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}`, usage);
}

/** A non-streaming `chat.completion` whose content is `text` (the `say` directive). */
export function sayCompletionBody(c: CompletionIdentity, text: string, tokens: number, finish: FinishReason, promptTokens: number): string {
  return (
    `{"id":"${c.id}","object":"chat.completion","created":${c.created},"model":${c.modelJson},` +
    `"choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(text)},"refusal":null,"annotations":[]},` +
    `"logprobs":null,"finish_reason":"${finish}"}],"usage":${usageJson(promptTokens, tokens)},"system_fingerprint":null}`
  );
}

/** The role chunk's tail (the first event of a stream). */
export function roleTail(usage: boolean): string {
  return ROLE_TAIL[usage ? 1 : 0];
}

/** The tail of the content chunk carrying token `i`. */
export function tokenTail(i: number, usage: boolean): string {
  return WORD_TAILS[usage ? 1 : 0]?.[i % WORDS.length] ?? "";
}

/** The tail of the last choice chunk: empty delta and the finish reason. */
export function finishTailFor(reason: FinishReason, usage: boolean): string {
  return FINISH_TAILS[reason][usage ? 1 : 0];
}

/** The include_usage chunk's tail: no choices, the full usage. */
export function usageTail(promptTokens: number, completionTokens: number): string {
  return `"choices":[],"usage":${usageJson(promptTokens, completionTokens)}}\n\n`;
}

function usageJson(promptTokens: number, completionTokens: number): string {
  return `{"prompt_tokens":${promptTokens},"completion_tokens":${completionTokens},"total_tokens":${promptTokens + completionTokens}}`;
}

const piecesCache = new Map<string, readonly string[]>();
const PIECES_CACHE_MAX_TOKENS = 4096;

/**
 * Pieces for a whole stream: ["", role, token 0 … token n-1, finish]. Joined with the head,
 * they give every chunk up to the finish chunk; the usage chunk and [DONE] are appended.
 */
function streamPieces(tokens: number, finish: FinishReason, usage: boolean): readonly string[] {
  const key = `${tokens}:${finish}:${usage ? 1 : 0}`;
  const cached = piecesCache.get(key);
  if (cached !== undefined) return cached;
  const pieces = ["", roleTail(usage)];
  for (let i = 0; i < tokens; i++) pieces.push(tokenTail(i, usage));
  pieces.push(finishTailFor(finish, usage));
  if (tokens <= PIECES_CACHE_MAX_TOKENS) piecesCache.set(key, pieces);
  return pieces;
}

/** A complete SSE body (role, tokens, finish, optional usage chunk, [DONE]) as one string. */
export function streamBody(c: CompletionIdentity, tokens: number, finish: FinishReason, promptTokens: number | undefined): string {
  const head = chunkHead(c);
  const usage = promptTokens !== undefined;
  const body = streamPieces(tokens, finish, usage).join(head);
  return usage ? body + head + usageTail(promptTokens, tokens) + DONE : body + DONE;
}

/** The SSE events of a stream cut after `contentChunks` tokens: role plus that many tokens, no finish. */
export function truncatedStreamBody(c: CompletionIdentity, contentChunks: number, usage: boolean): string {
  const head = chunkHead(c);
  let body = head + roleTail(usage);
  for (let i = 0; i < contentChunks; i++) body += head + tokenTail(i, usage);
  return body;
}

/** A non-streaming `chat.completion` object. */
export function completionBody(c: CompletionIdentity, tokens: number, finish: FinishReason, promptTokens: number): string {
  // completionText is made of WORDS, which need no JSON escaping (see content.ts).
  return (
    `{"id":"${c.id}","object":"chat.completion","created":${c.created},"model":${c.modelJson},` +
    `"choices":[{"index":0,"message":{"role":"assistant","content":"${completionText(tokens)}","refusal":null,"annotations":[]},` +
    `"logprobs":null,"finish_reason":"${finish}"}],"usage":${usageJson(promptTokens, tokens)},"system_fingerprint":null}`
  );
}
