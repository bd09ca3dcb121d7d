/**
 * Output guardrails as a response stage (see ../pipeline/response-stage.ts).
 *
 * Streams: the canonical SSE is parsed event by event; each choice's content deltas
 * go through a window that holds back exactly what a check could still complete: every
 * check declares its hold rules (hold-rules.ts: the trailing run of the characters its
 * matches are made of, up to its longest match; an open PEM block until its END line is
 * complete; the longest deny term; the policy's `window` for deny patterns, whose length
 * cannot be bounded), and a finding that touches the end is held whole (it may grow).
 * So no finding can straddle a release: the released text is what the non-streamed scan
 * would have released (stream-guard.property.test.ts checks this at every split point).
 * Released text is rewritten (redact, mask) before it goes out; a `block` finding stops
 * the stream: the stage sets `error`, nothing it held is sent, and no `[DONE]` follows
 * (the pipeline ends the stream with an error event). The hold is bounded (MAX_HOLD
 * characters, above every declared span), so a stream can never be stalled.
 *
 * Held text is scanned with the last CONTEXT characters already released in front of
 * it, so checks that look behind a match (`version 1.2.3.4` is no address) see what a
 * whole-text scan sees.
 *
 * Non-streamed answers: every choice's message content is scanned whole.
 */
import { StringDecoder } from "node:string_decoder";
import type { ResponseStage } from "../response-stage.js";
import { gatewayError, type GatewayError } from "../../base/errors.js";
import { describeFinding } from "./describe-finding.js";
import type { GuardrailReport } from "./guardrail-report.js";
import type { LinkedScan } from "./linked-guardrails.js";
import type { ChatMessage } from "../../canonical/chat-request.js";
import { CONTENT, TOOL_ARGUMENTS, walkTexts } from "../../canonical/message-text.js";
import type { Redactions } from "./redactions.js";
import { scanText, type Finding } from "./text-scan.js";
import { holdFrom } from "./hold-rules.js";

/** The most characters held back for one choice, whatever is pending: above every check's declared span. */
export const MAX_HOLD = 16_384;
/** Released characters kept in front of held text when it is scanned, for checks that look behind a match. */
const CONTEXT = 32;
/** The common content event's shape around its content string (see #contentEvent). */
const CONTENT_OPENING = '"choices":[{"index":0,"delta":{"content":"';
const CONTENT_CLOSING = '},"logprobs":null,"finish_reason":null}]}';
const CONTENT_CLOSING_USAGE_NULL = '},"logprobs":null,"finish_reason":null}],"usage":null}';

interface ChunkChoice {
  index?: number;
  delta?: { content?: unknown; [k: string]: unknown };
  finish_reason?: unknown;
  [k: string]: unknown;
}
interface Chunk {
  choices?: ChunkChoice[];
  error?: unknown;
  [k: string]: unknown;
}

export class OutputGuardStage implements ResponseStage {
  error: GatewayError | null = null;
  readonly #scan: LinkedScan;
  readonly #redactions: Redactions;
  readonly #report: GuardrailReport;
  readonly #decoder = new StringDecoder("utf8");
  /** Undelimited SSE text (an event not yet complete). */
  #pending = "";
  /** Held-back content per choice index. */
  readonly #held = new Map<number, string>();
  /** The last released characters per choice index (scan context, never sent again). */
  readonly #context = new Map<number, string>();
  /** The last content chunk, as a template for chunks that release held text at the end. */
  #template: Chunk | null = null;
  /** The last content chunk came through the fast path: its envelope (#envelope) is the template for releases. */
  #lastFast = false;
  /** The last envelope (the event's text before its choices) the fast path accepted. */
  #envelope: string | null = null;

  constructor(scan: LinkedScan, redactions: Redactions, report: GuardrailReport) {
    this.#scan = scan;
    this.#redactions = redactions;
    this.#report = report;
  }

  pushStream(chunk: Buffer): Buffer | null {
    if (this.error !== null) return null;
    this.#pending += this.#decoder.write(chunk);
    let out = "";
    let from = 0;
    for (let end = this.#pending.indexOf("\n\n", from); end !== -1; end = this.#pending.indexOf("\n\n", from)) {
      const event = this.#pending.slice(from, end + 2);
      from = end + 2;
      out += this.#event(event);
      if (this.error !== null) break;
    }
    this.#pending = this.error !== null ? "" : this.#pending.slice(from);
    return out.length === 0 ? null : Buffer.from(out);
  }

  endStream(complete: boolean): Buffer | null {
    if (this.error !== null) return null;
    // An interrupted stream still gets what was held, checked: the client sees the error after it.
    let out = this.#releaseAll();
    if (this.#pending.length > 0 && complete) out += this.#pending;
    this.#pending = "";
    return out.length === 0 ? null : Buffer.from(out);
  }

  transformBody(body: Buffer): Buffer {
    let parsed: { choices?: { message?: Record<string, unknown> }[] };
    try {
      parsed = JSON.parse(body.toString("utf8")) as typeof parsed;
    } catch {
      return body;
    }
    let changed = false;
    for (const choice of parsed.choices ?? []) {
      const message = choice.message;
      if (message === undefined || message === null || typeof message !== "object") continue;
      const next = walkTexts([message as ChatMessage], CONTENT | TOOL_ARGUMENTS, (text) => {
        if (this.error !== null) return undefined;
        const findings = scanText(this.#scan, text);
        if (findings.length === 0) return undefined;
        if (this.#commit(findings)) return undefined;
        const rewritten = this.#redactions.rewrite(text, findings);
        return rewritten === text ? undefined : rewritten;
      });
      if (this.error !== null) return body;
      if (next !== null) {
        choice.message = next[0]!;
        changed = true;
      }
    }
    return changed ? Buffer.from(JSON.stringify(parsed)) : body;
  }

  /** One SSE event → what to send for it now. */
  #event(event: string): string {
    if (!event.startsWith("data: ") || event.indexOf("\n") !== event.length - 2) return event;
    const fast = this.#contentEvent(event);
    if (fast !== null) return fast;
    const data = event.slice(6, -2);
    if (data === "[DONE]") return this.#afterRelease(this.#releaseAll(), event);
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch {
      return event;
    }
    // An error event ends the stream: what was held (checked) goes out before it.
    if (chunk.error !== undefined) return this.#afterRelease(this.#releaseAll(), event);
    if (!Array.isArray(chunk.choices)) return event;
    let changed = false;
    let empty = true;
    for (const choice of chunk.choices) {
      const delta = choice.delta;
      const final = choice.finish_reason !== null && choice.finish_reason !== undefined;
      const index = typeof choice.index === "number" ? choice.index : 0;
      const content = delta?.content;
      if (typeof content !== "string") {
        if (final && this.#held.has(index)) return this.#releaseChoice(index, chunk) + (this.error !== null ? "" : event);
        empty = false;
        continue;
      }
      const released = this.#advance(index, content, final);
      if (this.error !== null) return "";
      this.#template = chunk;
      this.#lastFast = false;
      if (released !== content) {
        delta!.content = released;
        changed = true;
      }
      if (released.length > 0 || final || Object.keys(delta!).length > 1) empty = false;
    }
    if (empty && chunk.choices.length > 0 && (chunk.usage === undefined || chunk.usage === null)) return "";
    return changed ? `data: ${JSON.stringify(chunk)}\n\n` : event;
  }

  /**
   * The common event, without parsing or re-serializing it: one choice (index 0) whose
   * delta is only a content string, no finish reason, nothing after the choices but an
   * optional `"usage":null`. Its content goes through the window as in #event, and what
   * is released is spliced into the event's text in place of the content. Null for any
   * other event (#event then parses it).
   */
  #contentEvent(event: string): string | null {
    const open = event.indexOf(CONTENT_OPENING);
    if (open === -1) return null;
    const start = open + CONTENT_OPENING.length;
    const end = closingQuote(event, start);
    if (end === -1) return null;
    const rest = event.slice(end + 1, -2);
    if (rest !== CONTENT_CLOSING && rest !== CONTENT_CLOSING_USAGE_NULL) return null;
    // The envelope before the choices holds only scalars (id, object, created, model, fingerprint).
    // It is the same in every event of a stream, so it is checked once.
    const envelope = event.slice(6, open);
    if (envelope !== this.#envelope) {
      if (!envelope.startsWith("{") || envelope.includes("{", 1) || envelope.includes("[") || envelope.includes('"choices"')) return null;
      this.#envelope = envelope;
    }
    let content: unknown;
    try {
      content = JSON.parse(event.slice(start - 1, end + 1));
    } catch {
      return null;
    }
    if (typeof content !== "string") return null;
    const released = this.#advance(0, content, false);
    if (this.error !== null) return "";
    this.#lastFast = true;
    this.#template = null;
    if (released === content) return event;
    if (released.length === 0) return "";
    return `${event.slice(0, start)}${JSON.stringify(released).slice(1, -1)}${event.slice(end)}`;
  }

  /** `released` then `event`, unless a check blocked on the way: then nothing (no `[DONE]` after a block). */
  #afterRelease(released: string, event: string): string {
    return this.error !== null ? "" : released + event;
  }

  /** Adds `content` to the choice's window; returns the text released now. */
  #advance(index: number, content: string, final: boolean): string {
    const text = (this.#held.get(index) ?? "") + content;
    let cut = final ? text.length : this.#cut(text);
    const findings = this.#findings(index, text);
    const committed: Finding[] = [];
    for (const f of findings) {
      if (f.start >= cut) break;
      if (!final && f.end === text.length && text.length - f.start <= MAX_HOLD) {
        cut = f.start; // it may still grow: hold it whole
        break;
      }
      committed.push(f);
      if (f.end > cut) cut = f.end;
    }
    if (committed.length > 0 && this.#commit(committed)) return "";
    this.#held.set(index, text.slice(cut));
    if (cut > 0) this.#context.set(index, ((this.#context.get(index) ?? "") + text.slice(0, cut)).slice(-CONTEXT));
    return this.#redactions.rewrite(text.slice(0, cut), committed);
  }

  /**
   * The findings in held `text`, scanned behind the choice's released context. A finding
   * that would begin in the context is a different reading of released text: then the
   * text is scanned alone, which can only find more, never less.
   */
  #findings(index: number, text: string): Finding[] {
    const context = this.#context.get(index) ?? "";
    if (context.length === 0) return scanText(this.#scan, text);
    const found = scanText(this.#scan, context + text);
    const out: Finding[] = [];
    for (const f of found) {
      if (f.end <= context.length) continue;
      if (f.start < context.length) return scanText(this.#scan, text);
      out.push({ ...f, start: f.start - context.length, end: f.end - context.length });
    }
    return out;
  }

  /** Where the releasable prefix of `text` ends: what no check could still complete. */
  #cut(text: string): number {
    return Math.max(holdFrom(this.#scan.hold, text), text.length - MAX_HOLD);
  }

  /** Counts findings; true (and `error` set) when one blocks. */
  #commit(findings: readonly Finding[]): boolean {
    for (const f of findings) {
      this.#report.count("output", f.detector, f.action, f.rule);
      if (f.action === "block" && this.error === null) {
        this.#report.blocked = { direction: "output", detector: f.detector, rule: f.rule };
        this.error = gatewayError("blocked-output", { rule: f.rule, finding: describeFinding(f.detector) });
      }
    }
    return this.error !== null;
  }

  /** Releases every choice's held text as extra chunks (before a finish or `[DONE]`), after the last content chunk's envelope. */
  #releaseAll(): string {
    let out = "";
    for (const index of [...this.#held.keys()]) {
      out += this.#releaseChoice(index, null);
      if (this.error !== null) return "";
    }
    return out;
  }

  /**
   * Releases a choice's held text as one event built on `template`'s members (null: on the
   * last content chunk; when the fast path took it, its envelope text as the upstream wrote
   * it, without parsing and serializing the event again).
   */
  #releaseChoice(index: number, template: Chunk | null): string {
    const released = this.#advance(index, "", true);
    this.#held.delete(index);
    this.#context.delete(index);
    if (released.length === 0 || this.error !== null) return "";
    const opening = template === null && this.#lastFast ? this.#envelope! : openingOf(template ?? this.#template);
    return releaseEvent(opening, index, released);
  }
}

/**
 * An event's JSON up to its choices: `{`, then `template`'s members but its choices and
 * usage, in order, each followed by a comma. With releaseEvent, the text
 * JSON.stringify({ ...envelope, choices }) makes, without copying the object twice.
 */
function openingOf(template: Chunk | null): string {
  let opening = "{";
  for (const key in template ?? {}) {
    if (key === "choices" || key === "usage" || !Object.hasOwn(template!, key)) continue;
    const value = JSON.stringify(template![key]);
    if (value !== undefined) opening += `${JSON.stringify(key)}:${value},`;
  }
  return opening;
}

/**
 * The index of the quote that closes the JSON string whose text starts at `from` (a quote
 * preceded by an even number of backslashes), or -1. `indexOf` jumps between quotes
 * natively; a loop over every character in JavaScript cost several times more.
 */
function closingQuote(text: string, from: number): number {
  for (let q = text.indexOf('"', from); q !== -1; q = text.indexOf('"', q + 1)) {
    let slashes = 0;
    while (q - slashes - 1 >= from && text.charCodeAt(q - slashes - 1) === 0x5c) slashes++;
    if (slashes % 2 === 0) return q;
  }
  return -1;
}

/** The event that releases `released` for choice `index`: `opening` is the event's JSON up to its choices (`{` and the members before them, each followed by a comma). */
function releaseEvent(opening: string, index: number, released: string): string {
  return `data: ${opening}"choices":[{"index":${index},"delta":{"content":${JSON.stringify(released)}},"logprobs":null,"finish_reason":null}]}\n\n`;
}
