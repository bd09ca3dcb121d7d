/**
 * Offline mirror of the runtime's extra route conditions (runtime/routing/route-extras.ts,
 * route-facts.ts, content/*): path, consumer, estimated prompt tokens and content
 * classifiers, evaluated on plan data for explain, policy tests and simulate. The
 * same rules, written for clarity rather than speed; decide.test.ts checks the two
 * agree.
 */
import { policyRegex } from "../regex/policy-regex.js";
import type { Plan, PlanRoute } from "../../schemas/plan/plan.js";
import { estimateTextTokens, PER_MEDIA_PART_TOKENS, PER_MESSAGE_TOKENS, REPLY_PRIMING_TOKENS } from "../../schemas/plan/token-estimate.js";
import { foldText, isWholeWordAt } from "../../schemas/plan/word-match.js";

/** What the extra conditions look at; absent parts make a condition on them fail. */
export interface RequestFacts {
  readonly path?: string;
  /** Index of the calling consumer. */
  readonly consumer?: number | null;
  /** The chat request body. */
  readonly body?: Readonly<Record<string, unknown>>;
}

/** The default path of a chat request. */
export const CHAT_PATH = "/v1/chat/completions";

/** True when every extra condition of `route` holds. */
export function extrasHold(plan: Plan, route: PlanRoute | undefined, facts: RequestFacts): boolean {
  if (route === undefined) return true;
  if (route.paths !== undefined && !route.paths.includes(facts.path ?? CHAT_PATH)) return false;
  if (route.consumers !== undefined && (facts.consumer == null || !route.consumers.includes(facts.consumer))) return false;
  if (route.promptTokens !== undefined) {
    const tokens = estimateTokens(facts.body ?? {});
    if (tokens < route.promptTokens.min || (route.promptTokens.max !== undefined && tokens > route.promptTokens.max)) return false;
  }
  if (route.classifiers !== undefined) {
    const table = plan.routing.classifiers;
    if (table === undefined) return false;
    const text = lastUserText(facts.body ?? {}).slice(0, table.maxChars);
    if (!route.classifiers.some((c) => classifierMatches(table, c, text))) return false;
  }
  return true;
}

/**
 * The runtime's prompt-token estimate (runtime/canonical/prompt-tokens.ts), written
 * for clarity: the shared text rule over every message text (content, names, tool
 * calls), a fixed amount per media part, tool definitions and response format as
 * JSON, and the chat format's framing. route-extras.test.ts checks the two agree.
 */
export function estimateTokens(body: Readonly<Record<string, unknown>>): number {
  let tokens = REPLY_PRIMING_TOKENS;
  for (const m of Array.isArray(body.messages) ? (body.messages as unknown[]) : []) {
    tokens += PER_MESSAGE_TOKENS;
    if (m === null || typeof m !== "object") continue;
    const message = m as { content?: unknown; name?: unknown; tool_calls?: unknown };
    if (Array.isArray(message.content)) tokens += PER_MEDIA_PART_TOKENS * message.content.filter((p) => textOf(p) === undefined).length;
    const texts = [...contentTexts(message.content), ...(typeof message.name === "string" ? [message.name] : []), ...toolCallTexts(message.tool_calls)];
    for (const text of texts) tokens += estimateTextTokens(text);
  }
  for (const field of ["tools", "functions", "response_format"]) {
    const value = body[field];
    if (value !== undefined && value !== null) tokens += estimateTextTokens(JSON.stringify(value));
  }
  return tokens;
}

/** A content part's text: its `text`, or an assistant's `refusal`; undefined for images, audio and files. */
function textOf(part: unknown): string | undefined {
  if (part === null || typeof part !== "object") return undefined;
  const p = part as { type?: unknown; text?: unknown; refusal?: unknown };
  if (typeof p.text === "string") return p.text;
  return p.type === "refusal" && typeof p.refusal === "string" ? p.refusal : undefined;
}

function contentTexts(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((p) => textOf(p) ?? []);
}

/** Each tool call's function name, then its arguments. */
function toolCallTexts(calls: unknown): string[] {
  if (!Array.isArray(calls)) return [];
  return calls.flatMap((c) => {
    const fn = c !== null && typeof c === "object" ? (c as { function?: { name?: unknown; arguments?: unknown } }).function : undefined;
    if (fn === null || typeof fn !== "object") return [];
    return [fn.name, fn.arguments].filter((t): t is string => typeof t === "string");
  });
}

function lastUserText(body: Readonly<Record<string, unknown>>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown } | null;
    if (m !== null && typeof m === "object" && m.role === "user") return contentTexts(m.content).join("\n");
  }
  return "";
}

/** Keyword matching as the runtime's automaton does it (shared rules: schemas/plan/word-match.ts), one keyword at a time. */
function classifierMatches(table: NonNullable<Plan["routing"]["classifiers"]>, c: number, text: string): boolean {
  const folded = foldText(text);
  for (const k of table.keywords) {
    if (k.classifier !== c || k.text.length === 0) continue;
    const haystack = k.caseSensitive ? text : folded;
    const needle = k.caseSensitive ? k.text : foldText(k.text);
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
      if (!k.wholeWord || isWholeWordAt(needle, haystack, at, at + needle.length)) return true;
    }
  }
  const pattern = table.patterns[c];
  // The runtime's linear-time engine, as the compiler checked the pattern for it.
  return pattern != null && policyRegex(pattern)?.test(text) === true;
}
