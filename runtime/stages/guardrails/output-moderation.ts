/**
 * What an answer's moderation verdict calls for (the check itself is moderation.ts; the
 * pipeline holds the answer until the verdict, see pipeline/moderated-exchange.ts), and
 * what the check is given: the answer's texts, and the request's last user message as
 * the prompt they answer (guard models judge the assistant's turn in its context).
 */
import { gatewayError, type GatewayError } from "../../base/errors.js";
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { CONTENT, walkTexts } from "../../canonical/message-text.js";
import type { GuardrailReport, ModerationOutcome } from "./guardrail-report.js";
import type { LinkedOutputModeration } from "./linked-guardrails.js";

/** The error an answer's moderation outcome calls for, or null to let the answer through. Notes the outcome on `report`. */
export function judgeAnswer(m: LinkedOutputModeration, outcome: ModerationOutcome, report: GuardrailReport): GatewayError | null {
  const previous = report.outputModeration;
  if (previous === null || previous.outcome === "pass") report.outputModeration = outcome;
  if (outcome.outcome === "flagged") {
    report.count("output", "moderation", m.action, m.rule);
    if (m.action === "flag") return null;
    report.blocked = { direction: "output", detector: "moderation", rule: m.rule };
    const which = outcome.categories.length > 0 ? ` (${outcome.categories.join(", ")})` : "";
    return gatewayError("blocked-output-by-moderation", { rule: m.rule, categories: which });
  }
  if (outcome.outcome === "pass" || m.onError === "open") return null;
  report.blocked = { direction: "output", detector: "moderation", rule: m.rule };
  return gatewayError("moderation-unavailable", { rule: m.rule, outcome: outcome.outcome });
}

/** The text of the request's last user message (the prompt an answer is judged against), or "". */
export function lastUserText(request: ChatRequestView): string {
  let index = -1;
  let last = "";
  walkTexts(request.messages, CONTENT, (text, role, message) => {
    if (role !== "user") return undefined;
    last = message === index ? `${last}\n${text}` : text;
    index = message;
    return undefined;
  });
  return last;
}

/** The message contents of a non-streamed `chat.completion` body, or null when it is not one. */
export function answerTexts(body: string): string[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const choices = (parsed as { choices?: unknown })?.choices;
  if (!Array.isArray(choices)) return null;
  const texts: string[] = [];
  for (const c of choices as { message?: { content?: unknown } }[]) if (typeof c?.message?.content === "string" && c.message.content.length > 0) texts.push(c.message.content);
  return texts;
}

/** The content deltas of the complete SSE events in `events` (canonical chat chunks). */
export function deltaTexts(events: string): string {
  let out = "";
  for (const event of events.split("\n\n")) {
    if (!event.startsWith("data: {")) continue;
    try {
      const chunk = JSON.parse(event.slice(6)) as { choices?: { delta?: { content?: unknown } }[] };
      for (const c of chunk.choices ?? []) if (typeof c?.delta?.content === "string") out += c.delta.content;
    } catch {
      /* not a chunk: nothing to moderate in it */
    }
  }
  return out;
}
