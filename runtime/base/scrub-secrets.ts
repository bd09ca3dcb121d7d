/**
 * Keeps the secrets this process holds (held-secrets.ts) out of text: the exact values,
 * their truncations (`sk-proj-AbCdEfGh…`, a token cut anywhere after its first ten
 * random characters, or its last ten) and their usual masks (`sk-…wxyz`,
 * `sk-proj-****wxyz`, `****wxyz`), each replaced whole by `[REDACTED]`.
 *
 * How: every secret gives two needles, the ten characters where its random part starts
 * (after a vendor prefix such as `sk-proj-` or `sk-ant-api03-`, which every key of the
 * vendor shares) and its last ten; a needle found is widened to the whole token around
 * it. Mask markers (`***`, `…`, `...`, `••`) are checked the other way round: the token
 * around one is redacted when what precedes the marker begins a held secret and what
 * follows ends it. Native `indexOf` does the searching, so clean text costs a few
 * memchr-speed passes and no allocation.
 *
 * Streams go through SecretStreamScrub, which holds back only a trailing run that is not
 * yet delimited (a token still being written): SSE events end in a blank line, so an
 * ordinary event is never held.
 */
import { isUtf8 } from "node:buffer";
import { heldSecrets, MIN_SECRET_LENGTH } from "./held-secrets.js";

/** What a scrubbed secret becomes. */
export const REDACTED = "[REDACTED]";

/** Length of a needle: long enough that prose never holds one by chance. */
const NEEDLE = 10;
/** Tails shorter than this after a mask marker prove nothing (`…abc`). */
const MASK_TAIL = 4;
/** Prefixes before a mask must be at least this long (`sk-`). */
const MASK_HEAD = 3;
const MARKERS = ["***", "\u2026", "...", "\u2022\u2022"] as const;
const MARKER_BYTES = MARKERS.map((m) => Buffer.from(m));
/** The most bytes a stream holds back for one undelimited run. */
export const MAX_STREAM_HOLD = 1024;

interface Compiled {
  readonly version: number;
  readonly secrets: readonly string[];
  /** Per secret: where its random part starts (after a vendor prefix). */
  readonly randomStarts: readonly number[];
  readonly needles: readonly string[];
  readonly needleBytes: readonly Buffer[];
}

let compiled: Compiled = { version: -1, secrets: [], randomStarts: [], needles: [], needleBytes: [] };

function current(): Compiled {
  const { values, version } = heldSecrets();
  if (version === compiled.version) return compiled;
  const needles = new Set<string>();
  for (const s of values) {
    // A part of a secret is searched for only when it looks random (a word-like part would redact prose); else the whole value.
    const head = headNeedle(s);
    needles.add(distinctive(head) ? head : s);
    const tail = s.slice(-NEEDLE);
    if (s.length >= 2 * NEEDLE && distinctive(tail)) needles.add(tail);
  }
  const secrets = [...values];
  compiled = { version, secrets, randomStarts: secrets.map(randomStart), needles: [...needles], needleBytes: [...needles].map((n) => Buffer.from(n)) };
  return compiled;
}

/** Where the secret's random part starts: after the last `-`, `_` or `.` of its first 16 characters (a vendor prefix). */
function randomStart(s: string): number {
  const lead = s.slice(0, 16);
  const at = Math.max(lead.lastIndexOf("-"), lead.lastIndexOf("_"), lead.lastIndexOf(".")) + 1;
  return s.length - at < MIN_SECRET_LENGTH ? 0 : at;
}

/** True when `part` mixes at least two of lower case, upper case and digits: random, not a word. */
function distinctive(part: string): boolean {
  return Number(/[a-z]/.test(part)) + Number(/[A-Z]/.test(part)) + Number(/[0-9]/.test(part)) >= 2;
}

/** The first NEEDLE characters of the secret's random part. */
function headNeedle(s: string): string {
  const at = randomStart(s);
  return s.slice(at, at + NEEDLE);
}

/** True when secrets are held (scrubbing can change something). */
export function scrubbing(): boolean {
  return current().secrets.length > 0;
}

const isToken = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 43 || c === 47 || c === 61;
const isMask = (c: number): boolean => c === 42 || c === 0x2026 || c === 0x2022;

/** Whether `text[i]` belongs to a token run: token and mask characters, and a dot that joins two of them. */
function inRun(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (isToken(c) || isMask(c)) return true;
  if (c !== 46) return false;
  const next = text.charCodeAt(i + 1);
  return isToken(next) || isMask(next) || next === 46;
}

function runAround(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s > 0 && inRun(text, s - 1)) s--;
  while (e < text.length && inRun(text, e)) e++;
  return [s, e];
}

const MASKED = /^([^*\u2022\u2026]*?)(?:[*\u2022\u2026]|\.\.)[*\u2022\u2026.]*(.*)$/s;

/** True when the masked token `run` shows the head and the tail of a held secret. */
function masksOurs(c: Compiled, run: string): boolean {
  const m = MASKED.exec(run);
  if (m === null) return false;
  const head = m[1]!;
  const tail = m[2]!.split(/[*\u2022\u2026]|\.\./).pop()!;
  for (let i = 0; i < c.secrets.length; i++) {
    const s = c.secrets[i]!;
    const headOk = head.length >= MASK_HEAD && s.startsWith(head);
    const tailOk = tail.length >= MASK_TAIL && s.endsWith(tail);
    // A head alone proves something only when it reaches into the random part (`sk-proj-` is every project key's).
    if ((tailOk && (head.length === 0 || headOk)) || (headOk && head.length >= c.randomStarts[i]! + MASK_TAIL + 2)) return true;
  }
  return false;
}

/** `text` without any held secret, truncation or mask of one; the same string when clean. */
export function scrubSecrets(text: string): string {
  const c = current();
  if (c.secrets.length === 0 || text.length < MASK_TAIL) return text;
  let spans: [number, number][] | null = null;
  for (const n of c.needles) {
    for (let i = text.indexOf(n); i !== -1; i = text.indexOf(n, i + 1)) (spans ??= []).push(runAround(text, i, i + n.length));
  }
  for (const marker of MARKERS) {
    for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + marker.length)) {
      const span = runAround(text, i, i + marker.length);
      if (masksOurs(c, text.slice(span[0], span[1]))) (spans ??= []).push(span);
    }
  }
  if (spans === null) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [s, e] of spans) {
    if (e <= at) continue;
    out += text.slice(at, Math.max(s, at)) + (s >= at ? REDACTED : "");
    at = e;
  }
  return out + text.slice(at);
}

/** Bytes without any held secret; the same buffer when clean. Non-UTF-8 bytes (audio) are scanned byte for byte. */
export function scrubBytes(bytes: Buffer): Buffer {
  const c = current();
  if (c.secrets.length === 0) return bytes;
  if (!c.needleBytes.some((n) => bytes.indexOf(n) !== -1) && !MARKER_BYTES.some((m) => bytes.indexOf(m) !== -1)) return bytes;
  const encoding = isUtf8(bytes) ? "utf8" : "latin1";
  const text = bytes.toString(encoding);
  const out = scrubSecrets(text);
  return out === text ? bytes : Buffer.from(out, encoding);
}

/** Whitespace and JSON/SSE punctuation delimit tokens; everything else may continue one. */
const isDelimiter = (b: number): boolean =>
  b === 32 || b === 10 || b === 13 || b === 9 || b === 34 || b === 44 || b === 123 || b === 125 || b === 91 || b === 93 || b === 60 || b === 62;

/** A stream's bytes without held secrets: what could be the start of a secret still arriving is held until it is delimited. */
export class SecretStreamScrub {
  #held: Buffer | null = null;

  /** The bytes that may go now (possibly empty). */
  push(chunk: Buffer): Buffer {
    const data = this.#held === null ? chunk : Buffer.concat([this.#held, chunk]);
    let cut = data.length;
    const floor = Math.max(0, data.length - MAX_STREAM_HOLD);
    while (cut > floor && !isDelimiter(data[cut - 1]!)) cut--;
    this.#held = cut === data.length ? null : Buffer.from(data.subarray(cut));
    return cut === 0 ? EMPTY : scrubBytes(cut === data.length ? data : data.subarray(0, cut));
  }

  /** What was held, scrubbed: the stream is over. */
  end(): Buffer | null {
    const rest = this.#held;
    this.#held = null;
    return rest === null ? null : scrubBytes(rest);
  }
}

const EMPTY = Buffer.alloc(0);
