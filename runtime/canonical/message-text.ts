/**
 * The one walker over the text of chat messages, for every reader of prompt text:
 * routing (classifiers, prefix affinity), guardrails (scanning, redaction), the cache
 * (the semantic question), quotas and memory (the token estimate), and the same rule
 * for answers (output guardrails).
 *
 * A message's text is its `content` (a string, or the text of each part that has
 * one: `text`, or an assistant's `refusal`; images, audio and files have none, see
 * {@link textFieldOf}), its `name`, and the `name` and `arguments` of an assistant's
 * tool calls; a walk visits the kinds it asks for, in order. A visitor may stop the walk (bounded readers stop at their budget) or
 * replace a text: the walk then returns new messages, copied on write, so untouched
 * messages and parts keep their objects and the input is never changed.
 */
import type { ChatMessage } from "./chat-request.js";

/** The text of `content`: a string, or the `text` of each part. */
export const CONTENT = 1;
/** The `arguments` of an assistant's tool calls (JSON, as the model wrote it). */
export const TOOL_ARGUMENTS = 2;
/** The message's `name` and its tool calls' function names. */
export const NAMES = 4;
/** Every text a message holds. */
export const ALL_TEXT = CONTENT | TOOL_ARGUMENTS | NAMES;

/**
 * Visits one text of message `index` (whose role is `role`): returns its replacement,
 * undefined to keep it, or false to end the walk.
 */
export type TextVisitor = (text: string, role: string, index: number) => string | undefined | false;

/** Whether a walk was ended by its visitor; one per walk, so nested walks do not interfere. */
interface Walk {
  stopped: boolean;
}

/**
 * Visits the texts of `messages[from, to)` of the kinds in `what` (bit flags), in
 * order. Returns the new messages array when a visitor replaced a text, else null.
 */
export function walkTexts(messages: readonly ChatMessage[], what: number, visit: TextVisitor, from = 0, to = messages.length): ChatMessage[] | null {
  let out: ChatMessage[] | null = null;
  const walk: Walk = { stopped: false };
  for (let i = from; i < to && !walk.stopped; i++) {
    const m = messages[i]!;
    const next = walkMessage(m, i, what, visit, walk);
    if (next !== m) (out ??= messages.slice())[i] = next;
  }
  return out;
}

type Writable = Record<string, unknown>;

function walkMessage(m: ChatMessage, index: number, what: number, visit: TextVisitor, walk: Walk): ChatMessage {
  const role = typeof m.role === "string" ? m.role : "";
  let copy: Writable | null = null;
  const see = (text: string): string | undefined => {
    const r = visit(text, role, index);
    if (r === false) {
      walk.stopped = true;
      return undefined;
    }
    return r;
  };
  if ((what & CONTENT) !== 0) {
    const content = m.content;
    if (typeof content === "string") {
      const r = see(content);
      if (r !== undefined) (copy ??= { ...m }).content = r;
    } else if (Array.isArray(content)) {
      let parts: unknown[] | null = null;
      for (let k = 0; k < content.length && !walk.stopped; k++) {
        const part = content[k] as Writable;
        const field = textFieldOf(part);
        if (field === null) continue;
        const r = see(part[field] as string);
        if (r !== undefined) (parts ??= content.slice())[k] = { ...part, [field]: r };
      }
      if (parts !== null) (copy ??= { ...m }).content = parts;
    }
  }
  if ((what & NAMES) !== 0 && typeof m.name === "string" && !walk.stopped) {
    const r = see(m.name);
    if (r !== undefined) (copy ??= { ...m }).name = r;
  }
  const calls = m.tool_calls;
  if ((what & (TOOL_ARGUMENTS | NAMES)) !== 0 && Array.isArray(calls)) {
    let next: unknown[] | null = null;
    for (let k = 0; k < calls.length && !walk.stopped; k++) {
      const call = calls[k] as { function?: { name?: unknown; arguments?: unknown } } | null;
      const fn = call?.function;
      if (fn === null || typeof fn !== "object") continue;
      const name = (what & NAMES) !== 0 && typeof fn.name === "string" ? see(fn.name) : undefined;
      const args = (what & TOOL_ARGUMENTS) !== 0 && typeof fn.arguments === "string" && !walk.stopped ? see(fn.arguments) : undefined;
      if (name === undefined && args === undefined) continue;
      const f: Writable = { ...fn };
      if (name !== undefined) f.name = name;
      if (args !== undefined) f.arguments = args;
      (next ??= calls.slice())[k] = { ...call, function: f };
    }
    if (next !== null) (copy ??= { ...m }).tool_calls = next;
  }
  return (copy as ChatMessage | null) ?? m;
}

/**
 * The field that holds a content part's text: `text`, or `refusal` for an assistant's
 * refusal part; null for a part without text (image, audio, file, or not an object).
 */
export function textFieldOf(part: unknown): "text" | "refusal" | null {
  if (part === null || typeof part !== "object") return null;
  const p = part as { type?: unknown; text?: unknown; refusal?: unknown };
  if (typeof p.text === "string") return "text";
  return p.type === "refusal" && typeof p.refusal === "string" ? "refusal" : null;
}

/** Parts of `content` that hold no text (images, audio, files): what a text walk cannot see. */
export function mediaParts(content: unknown): number {
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) if (textFieldOf(part) === null) n++;
  return n;
}

/** The text of the last user message, its pieces joined by newlines, cut to `maxChars`. */
export function lastUserText(messages: readonly ChatMessage[], maxChars: number): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role !== "user") continue;
    let out = "";
    walkTexts(
      messages,
      CONTENT,
      (text) => {
        out += out.length === 0 ? text : "\n" + text;
        return out.length < maxChars ? undefined : false;
      },
      i,
      i + 1,
    );
    return out.length > maxChars ? out.slice(0, maxChars) : out;
  }
  return "";
}

/**
 * The question of a conversation: the last message, when it is a user message made of
 * text only (an image or audio part makes it more than its text), its pieces joined
 * by newlines; null otherwise or when it is empty.
 */
export function finalQuestion(messages: readonly ChatMessage[]): string | null {
  const last = messages.at(-1);
  if (last === undefined || last.role !== "user" || mediaParts(last.content) > 0) return null;
  let text = "";
  walkTexts(
    messages,
    CONTENT,
    (piece) => {
      text += text === "" ? piece : "\n" + piece;
      return undefined;
    },
    messages.length - 1,
  );
  return text.length > 0 ? text : null;
}
