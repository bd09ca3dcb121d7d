/**
 * One pass over the bytes of an OpenAI JSON body or SSE event, no parse: it walks the
 * string tokens (honouring escapes, so text inside a string never looks like a key)
 * and notes what the gateway watches for: the generated characters (`content`,
 * `reasoning_content` and tool-call `arguments` values), a `usage` object or a
 * `"usage":null`, and an empty `choices` array.
 *
 * Why a hand loop: a stream is relayed event by event, and every native
 * `Buffer.indexOf` (or a latin1 copy for V8's string search) costs more than walking the
 * ~250 bytes of an event once in JS.
 */

/** What one scan found. Reused between scans (reset by `scanJson`): read it before the next scan. */
export interface JsonFacts {
  /** Characters of generated text: an escape counts as one, a UTF-8 sequence as one. */
  chars: number;
  /** Offset of the `{` of the last `"usage":{…}` value, or -1. */
  usageAt: number;
  /** Offset of the `,` of a `,"usage":null` member, or -1. */
  usageNullAt: number;
  /** A `"choices":[]` member was seen. */
  emptyChoices: boolean;
  /** A `choices` member was seen (empty or not): the body is an answer, not some other JSON. */
  choices: boolean;
  /** A `finish_reason` with a string value was seen: the model said it stopped. */
  finish: boolean;
  /** Offset of the opening quote of the first watched key (any of the above), or -1: nothing before it matters. */
  firstKeyAt: number;
}

const CONTENT = keyBytes("content");
const CHOICES = keyBytes("choices");
const ARGUMENTS = keyBytes("arguments");
const REASONING = keyBytes("reasoning_content");
const USAGE = keyBytes("usage");
const FINISH = keyBytes("finish_reason");

/** Which watched key a string token is (NONE: not one). */
const NONE = 0;
const K_CONTENT = 1;
const K_CHOICES = 2;
/** `arguments` or `reasoning_content`: generated text, counted like `content`. */
const K_TEXT = 3;
const K_USAGE = 4;
const K_FINISH = 5;

function keyBytes(key: string): Uint8Array {
  return new Uint8Array(Buffer.from(key));
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isKey(buf: Uint8Array, start: number, key: Uint8Array): boolean {
  for (let k = 1; k < key.length; k++) if (buf[start + k] !== key[k]) return false;
  return true;
}

/** Scans `buf[start, end)` into `facts` (reset first) and returns it. */
export function scanJson(buf: Uint8Array, start: number, end: number, facts: JsonFacts): JsonFacts {
  facts.chars = 0;
  facts.usageAt = -1;
  facts.usageNullAt = -1;
  facts.emptyChoices = false;
  facts.choices = false;
  facts.finish = false;
  facts.firstKeyAt = -1;
  let i = start;
  while (i < end) {
    if (buf[i] !== 0x22) {
      i++;
      continue;
    }
    // A string token [s, j): find its closing quote.
    const s = i + 1;
    let j = s;
    while (j < end) {
      const d = buf[j];
      if (d === 0x22) break;
      j += d === 0x5c ? 2 : 1;
    }
    i = j + 1;
    // Compact JSON has `":` here; pretty-printed JSON (some servers, the recorded cassettes) `" : `.
    while (isSpace(buf[i])) i++;
    if (buf[i] !== 0x3a) continue; // a value, not a key
    const len = j - s;
    const first = buf[s];
    let key = NONE;
    if (len === 7) {
      if (first === 0x63) key = isKey(buf, s, CONTENT) ? K_CONTENT : isKey(buf, s, CHOICES) ? K_CHOICES : NONE;
    } else if (len === 9) {
      if (first === 0x61 && isKey(buf, s, ARGUMENTS)) key = K_TEXT;
    } else if (len === 17) {
      if (first === 0x72 && isKey(buf, s, REASONING)) key = K_TEXT;
    } else if (len === 5 && first === 0x75 && isKey(buf, s, USAGE)) key = K_USAGE;
    else if (len === 13 && first === 0x66 && isKey(buf, s, FINISH)) key = K_FINISH;
    if (key === NONE) continue;
    if (facts.firstKeyAt === -1) facts.firstKeyAt = s - 1;
    let v = i + 1;
    while (isSpace(buf[v])) v++;
    if (key === K_CONTENT || key === K_TEXT) i = countString(buf, v, end, facts);
    else if (key === K_CHOICES) {
      facts.choices = true;
      if (buf[v] === 0x5b && buf[v + 1] === 0x5d) facts.emptyChoices = true;
    } else if (key === K_FINISH) {
      if (buf[v] === 0x22) facts.finish = true;
    } else if (buf[v] === 0x7b) facts.usageAt = v;
    // Only the compact `,"usage":null` is cut (the form `include_usage` adds).
    else if (buf[v] === 0x6e && v === s + 7 && buf[s - 2] === 0x2c) facts.usageNullAt = s - 2;
  }
  return facts;
}

/** Counts the characters of the string value at `v` (if it is one); returns where scanning resumes. */
function countString(buf: Uint8Array, v: number, end: number, facts: JsonFacts): number {
  if (buf[v] !== 0x22) return v;
  let n = 0;
  let j = v + 1;
  while (j < end) {
    const c = buf[j]!;
    if (c === 0x22) break;
    if (c === 0x5c) {
      // \uXXXX is one character; any other escape is two bytes for one character.
      j += buf[j + 1] === 0x75 ? 6 : 2;
      n++;
      continue;
    }
    if ((c & 0xc0) !== 0x80) n++;
    j++;
  }
  facts.chars += n;
  return j + 1;
}

/** The end (exclusive) of the JSON object whose `{` is at `start`, or -1 when it is cut off. */
export function objectEnd(buf: Uint8Array, start: number, end: number): number {
  let depth = 0;
  for (let j = start; j < end; j++) {
    const c = buf[j];
    if (c === 0x22) {
      for (j++; j < end && buf[j] !== 0x22; j++) if (buf[j] === 0x5c) j++;
    } else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return j + 1;
  }
  return -1;
}

/** A fresh facts object. */
export function newJsonFacts(): JsonFacts {
  return { chars: 0, usageAt: -1, usageNullAt: -1, emptyChoices: false, choices: false, finish: false, firstKeyAt: -1 };
}
