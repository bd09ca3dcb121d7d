/**
 * The texts of a chat request that guardrails look at, and their copy-on-write
 * replacement: each message's `content` (a string, or the `text` of its text parts)
 * and the `arguments` of an assistant's tool calls. Other fields pass through
 * untouched; an unchanged request keeps its original objects (and bytes).
 */

/** Visits one text; returns its replacement, or undefined to keep it. */
export type TextVisitor = (text: string, role: string, message: number) => string | undefined;

type Message = Record<string, unknown>;

/** Visits every text; returns the new messages array when a visitor replaced something, else null. */
export function rewriteTexts(messages: readonly unknown[], visit: TextVisitor): unknown[] | null {
  let out: unknown[] | null = null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Message;
    const role = typeof m.role === "string" ? m.role : "";
    const next = rewriteMessage(m, role, i, visit);
    if (next !== m) (out ??= messages.slice())[i] = next;
  }
  return out;
}

function rewriteMessage(m: Message, role: string, i: number, visit: TextVisitor): Message {
  let copy: Message | null = null;
  const content = m.content;
  if (typeof content === "string") {
    const r = visit(content, role, i);
    if (r !== undefined) (copy ??= { ...m }).content = r;
  } else if (Array.isArray(content)) {
    let parts: unknown[] | null = null;
    for (let k = 0; k < content.length; k++) {
      const part = content[k] as { text?: unknown } | null;
      if (part === null || typeof part !== "object" || typeof part.text !== "string") continue;
      const r = visit(part.text, role, i);
      if (r !== undefined) (parts ??= content.slice())[k] = { ...part, text: r };
    }
    if (parts !== null) (copy ??= { ...m }).content = parts;
  }
  const calls = m.tool_calls;
  if (Array.isArray(calls)) {
    let next: unknown[] | null = null;
    for (let k = 0; k < calls.length; k++) {
      const call = calls[k] as { function?: { arguments?: unknown } } | null;
      const args = call?.function?.arguments;
      if (typeof args !== "string") continue;
      const r = visit(args, role, i);
      if (r !== undefined) (next ??= calls.slice())[k] = { ...call, function: { ...call!.function, arguments: r } };
    }
    if (next !== null) (copy ??= { ...m }).tool_calls = next;
  }
  return copy ?? m;
}
