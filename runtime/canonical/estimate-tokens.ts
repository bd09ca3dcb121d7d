/**
 * A cheap, bounded prompt-token estimate for admission on the event loop: one pass
 * over the characters (no regex, no allocation per character), linear in the input
 * whatever it holds: 1 MB of one letter, of CJK or of base64 costs the same per byte
 * as prose. A tokenizer (js-tiktoken) is quadratic on long unsplit runs and must
 * never run here (see exact-count.ts for the exact count, off the loop).
 *
 * The rules mimic BPE tokenizers of the cl100k/o200k family: a word with its leading
 * space is one token up to ~6 letters and about one per 4 letters beyond; digits go
 * in groups of 3; punctuation about one token per 1–2 characters; CJK about one token
 * per character; a run of newlines or of extra spaces is one token. Accuracy against
 * exact counts is measured in test/quotas/estimate-accuracy.test.ts.
 */

/** Tokens OpenAI's chat format adds per message, and for the reply's priming. */
const PER_MESSAGE = 4;
const REPLY_PRIMING = 3;
/** A non-text content part (image, audio, file) when its size cannot be known cheaply. */
const PER_MEDIA_PART = 85;

/** Above this many characters a text is estimated from evenly spaced samples: the cost stays bounded whatever the size. */
const SAMPLE_ABOVE = 65_536;
const SAMPLES = 8;
const SAMPLE_CHARS = 4_096;

/** Estimated tokens of a text, in bounded time. */
export function estimateTextTokens(text: string): number {
  if (text.length <= SAMPLE_ABOVE) return estimateRun(text);
  // Homogeneous inputs (the pathological ones: one letter, CJK, base64) scale exactly; prose within a few percent.
  const stride = Math.floor((text.length - SAMPLE_CHARS) / (SAMPLES - 1));
  let sampled = 0;
  for (let k = 0; k < SAMPLES; k++) sampled += estimateRun(text.slice(k * stride, k * stride + SAMPLE_CHARS));
  return Math.ceil((sampled * text.length) / (SAMPLES * SAMPLE_CHARS));
}

function estimateRun(text: string): number {
  let tokens = 0;
  let letters = 0;
  let digits = 0;
  let punct = 0;
  let spaces = 0;
  let afterPunct = false;
  let switches = 0;
  let wasUpper = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
      afterPunct = false;
      if (digits > 0) ((tokens += Math.ceil(digits / 3)), (digits = 0));
      if (punct > 0) ((tokens += punctTokens(punct)), (punct = 0));
      // Case changes inside a word (past a leading capital) split it: camelCase, and random text such as base64.
      const upper = c <= 90;
      if (letters > 1 && upper !== wasUpper) switches++;
      else if (letters === 1 && upper && !wasUpper) switches++;
      wasUpper = upper;
      letters++;
      continue;
    }
    if (letters > 0) ((tokens += Math.max(wordTokens(letters), switches + 1)), (letters = 0), (switches = 0));
    if (c >= 48 && c <= 57) {
      if (punct > 0) ((tokens += punctTokens(punct)), (punct = 0));
      digits++;
      continue;
    }
    if (digits > 0) ((tokens += Math.ceil(digits / 3)), (digits = 0));
    if (c === 32) {
      if (punct > 0) ((tokens += punctTokens(punct)), (punct = 0));
      // One space joins the next word; each further space in a run is (roughly) its own token share.
      spaces++;
      continue;
    }
    if (spaces > 1) tokens += Math.ceil((spaces - 1) / 8);
    spaces = 0;
    if (c === 10 || c === 13 || c === 9) {
      // Punctuation takes the newlines after it into its own token; otherwise a run of newlines/tabs is one token.
      if (punct > 0) ((tokens += punctTokens(punct)), (punct = 0), (afterPunct = true));
      else if (!afterPunct && (i === 0 || !isLineSpace(text.charCodeAt(i - 1)))) tokens++;
      continue;
    }
    afterPunct = false;
    if (c < 128) {
      punct++;
      continue;
    }
    if (punct > 0) ((tokens += punctTokens(punct)), (punct = 0));
    if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair (emoji, rare CJK): several byte-level tokens.
      tokens += 2;
      i++;
    } else if (c >= 0x2e80) {
      // CJK, kana, hangul and the like: about one token per character.
      tokens += 1;
    } else {
      // Accented Latin, Cyrillic, Greek, …: counted with the word they are in, at a higher rate.
      letters += 2;
    }
  }
  if (letters > 0) tokens += Math.max(wordTokens(letters), switches + 1);
  if (digits > 0) tokens += Math.ceil(digits / 3);
  if (punct > 0) tokens += punctTokens(punct);
  if (spaces > 1) tokens += Math.ceil((spaces - 1) / 8);
  return tokens;
}

function wordTokens(letters: number): number {
  return letters <= 8 ? 1 : 1 + Math.ceil((letters - 8) / 5);
}

function punctTokens(chars: number): number {
  return Math.ceil(chars / 3);
}

function isLineSpace(c: number): boolean {
  return c === 10 || c === 13 || c === 9;
}

/**
 * Estimated prompt tokens of a chat request body: message contents (text parts of
 * multimodal content; a fixed amount per media part), names, tool calls and tool
 * definitions, plus the chat format's per-message overhead.
 */
export function estimatePromptTokens(body: Readonly<Record<string, unknown>>): number {
  let tokens = REPLY_PRIMING;
  const messages = body["messages"];
  if (Array.isArray(messages)) {
    for (const m of messages as unknown[]) {
      tokens += PER_MESSAGE;
      if (typeof m !== "object" || m === null) continue;
      const message = m as Record<string, unknown>;
      tokens += contentTokens(message["content"]);
      if (typeof message["name"] === "string") tokens += estimateTextTokens(message["name"]);
      const calls = message["tool_calls"];
      if (Array.isArray(calls)) for (const call of calls as unknown[]) tokens += jsonTokens(call);
    }
  }
  for (const field of ["tools", "functions", "response_format"]) {
    const value = body[field];
    if (value !== undefined && value !== null) tokens += jsonTokens(value);
  }
  return tokens;
}

function contentTokens(content: unknown): number {
  if (typeof content === "string") return estimateTextTokens(content);
  if (!Array.isArray(content)) return 0;
  let tokens = 0;
  for (const part of content as unknown[]) {
    if (typeof part !== "object" || part === null) continue;
    const text = (part as Record<string, unknown>)["text"];
    tokens += typeof text === "string" ? estimateTextTokens(text) : PER_MEDIA_PART;
  }
  return tokens;
}

function jsonTokens(value: unknown): number {
  return estimateTextTokens(JSON.stringify(value) ?? "");
}

/** The text of a request that an exact count tokenizes (contents, names, tool calls and definitions). */
export function promptTexts(body: Readonly<Record<string, unknown>>): { texts: string[]; messages: number; mediaParts: number } {
  const texts: string[] = [];
  let messages = 0;
  let mediaParts = 0;
  const list = body["messages"];
  if (Array.isArray(list)) {
    for (const m of list as unknown[]) {
      messages++;
      if (typeof m !== "object" || m === null) continue;
      const message = m as Record<string, unknown>;
      const content = message["content"];
      if (typeof content === "string") texts.push(content);
      else if (Array.isArray(content)) {
        for (const part of content as unknown[]) {
          const text = typeof part === "object" && part !== null ? (part as Record<string, unknown>)["text"] : undefined;
          if (typeof text === "string") texts.push(text);
          else mediaParts++;
        }
      }
      if (typeof message["name"] === "string") texts.push(message["name"]);
      if (Array.isArray(message["tool_calls"])) texts.push(JSON.stringify(message["tool_calls"]));
    }
  }
  for (const field of ["tools", "functions", "response_format"]) {
    const value = body[field];
    if (value !== undefined && value !== null) texts.push(JSON.stringify(value));
  }
  return { texts, messages, mediaParts };
}

/** Prompt tokens from exact text counts plus the chat format's overhead (same overhead as the estimate). */
export function promptTokensFromCounts(textTokens: number, messages: number, mediaParts: number): number {
  return REPLY_PRIMING + messages * PER_MESSAGE + mediaParts * PER_MEDIA_PART + textTokens;
}

/** Output tokens from characters of generated text, when the upstream reported no usage. */
export function tokensFromChars(chars: number): number {
  return Math.ceil(chars / 4);
}
