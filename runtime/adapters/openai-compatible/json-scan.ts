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
}

const CONTENT = keyBytes("content");
const CHOICES = keyBytes("choices");
const ARGUMENTS = keyBytes("arguments");
const REASONING = keyBytes("reasoning_content");
const USAGE = keyBytes("usage");

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
    let v = i + 1;
    while (isSpace(buf[v])) v++;
    const len = j - s;
    const first = buf[s];
    if (first === 0x63) {
      if (len === 7 && isKey(buf, s, CONTENT)) i = countString(buf, v, end, facts);
      else if (len === 7 && isKey(buf, s, CHOICES) && buf[v] === 0x5b && buf[v + 1] === 0x5d) facts.emptyChoices = true;
    } else if (first === 0x61) {
      if (len === 9 && isKey(buf, s, ARGUMENTS)) i = countString(buf, v, end, facts);
    } else if (first === 0x72) {
      if (len === 17 && isKey(buf, s, REASONING)) i = countString(buf, v, end, facts);
    } else if (first === 0x75 && len === 5 && isKey(buf, s, USAGE)) {
      if (buf[v] === 0x7b) facts.usageAt = v;
      // Only the compact `,"usage":null` is cut (the form `include_usage` adds).
      else if (buf[v] === 0x6e && v === s + 7 && buf[s - 2] === 0x2c) facts.usageNullAt = s - 2;
    }
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
  return { chars: 0, usageAt: -1, usageNullAt: -1, emptyChoices: false };
}
