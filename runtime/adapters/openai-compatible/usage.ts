/**
 * OpenAI `usage` objects → normalized Usage, and the byte-level helpers that find
 * them (and the generated text) without parsing a whole body or chunk.
 */
import type { Usage } from "../../usage/usage.js";

function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

function field(o: unknown, key: string): unknown {
  return typeof o === "object" && o !== null ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * Normalizes an OpenAI `usage` object. Cached input is `prompt_tokens_details.cached_tokens`
 * (DeepSeek: `prompt_cache_hit_tokens`); cache writes `prompt_tokens_details.cache_write_tokens`;
 * reasoning `completion_tokens_details.reasoning_tokens`. Null when it has no token counts.
 */
export function normalizeOpenAIUsage(u: unknown): Usage | null {
  if (typeof u !== "object" || u === null) return null;
  const input = field(u, "prompt_tokens");
  const output = field(u, "completion_tokens");
  if (typeof input !== "number" && typeof output !== "number") return null;
  const promptDetails = field(u, "prompt_tokens_details");
  return {
    inputTokens: count(input),
    outputTokens: count(output),
    cachedInputTokens: count(field(promptDetails, "cached_tokens") ?? field(u, "prompt_cache_hit_tokens")),
    cacheCreationTokens: count(field(promptDetails, "cache_write_tokens")),
    reasoningTokens: count(field(field(u, "completion_tokens_details"), "reasoning_tokens")),
    source: "upstream",
  };
}

const USAGE_KEY = Buffer.from('"usage":');

/**
 * The `usage` object of a JSON body, found by its key from the end (OpenAI puts it
 * near the end) and parsed alone; null when absent, `null`, or unreadable.
 */
export function usageOfBody(body: Buffer, from = 0): Usage | null {
  let at = body.lastIndexOf(USAGE_KEY);
  while (at >= from) {
    const object = objectAt(body, at + USAGE_KEY.length);
    if (object !== null) {
      try {
        return normalizeOpenAIUsage(JSON.parse(object));
      } catch {
        return null;
      }
    }
    at = at === 0 ? -1 : body.lastIndexOf(USAGE_KEY, at - 1);
  }
  return null;
}

/** The text of the JSON object starting at `start` (after optional spaces), or null. */
function objectAt(buf: Buffer, start: number): string | null {
  let i = start;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  if (buf[i] !== 0x7b) return null;
  let depth = 0;
  let inString = false;
  for (let j = i; j < buf.length; j++) {
    const c = buf[j]!;
    if (inString) {
      if (c === 0x5c) j++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return buf.toString("utf8", i, j + 1);
  }
  return null;
}

const CONTENT_KEY = Buffer.from('"content":"');
const ARGUMENTS_KEY = Buffer.from('"arguments":"');
const REASONING_KEY = Buffer.from('"reasoning_content":"');

/**
 * Characters of generated text in `buf[start, end)`: the string values of `content`,
 * `reasoning_content` and tool-call `arguments` keys. A byte scan, no parse: an escape
 * counts as one character, a UTF-8 sequence as one (its continuation bytes are skipped).
 */
export function generatedChars(buf: Buffer, start: number, end: number): number {
  return stringChars(buf, CONTENT_KEY, start, end) + stringChars(buf, ARGUMENTS_KEY, start, end) + stringChars(buf, REASONING_KEY, start, end);
}

function stringChars(buf: Buffer, key: Buffer, start: number, end: number): number {
  let n = 0;
  let at = buf.indexOf(key, start);
  while (at !== -1 && at < end) {
    let j = at + key.length;
    for (; j < end; j++) {
      const c = buf[j]!;
      if (c === 0x22) break;
      if (c === 0x5c) {
        // \uXXXX is one character; any other escape is two bytes for one character.
        j += buf[j + 1] === 0x75 ? 5 : 1;
        n++;
      } else if ((c & 0xc0) !== 0x80) n++;
    }
    at = buf.indexOf(key, j);
  }
  return n;
}
