/**
 * Reading prompt text out of a chat body, bounded: every walker here stops after a
 * character budget, so a 4 MiB prompt costs no more than the budget. Content is a
 * string or a list of parts whose `text` parts count; other parts (images, audio)
 * are skipped.
 */

/** Calls `visit` with each text piece of a message's content, in order; stops when it returns false. */
export function eachContentText(content: unknown, visit: (text: string) => boolean): boolean {
  if (typeof content === "string") return visit(content);
  if (!Array.isArray(content)) return true;
  for (const part of content) {
    if (part !== null && typeof part === "object") {
      const text = (part as { text?: unknown }).text;
      if (typeof text === "string" && !visit(text)) return false;
    }
  }
  return true;
}

/** The messages array of a chat body (validated non-empty by the pipeline), or an empty list. */
export function messagesOf(body: Readonly<Record<string, unknown>>): readonly unknown[] {
  return Array.isArray(body.messages) ? body.messages : [];
}

/** The text of the last user message, cut to `maxChars`. */
export function lastUserText(body: Readonly<Record<string, unknown>>, maxChars: number): string {
  const messages = messagesOf(body);
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown } | null;
    if (m === null || typeof m !== "object" || m.role !== "user") continue;
    let out = "";
    eachContentText(m.content, (text) => {
      out += out.length === 0 ? text : "\n" + text;
      return out.length < maxChars;
    });
    return out.length > maxChars ? out.slice(0, maxChars) : out;
  }
  return "";
}
