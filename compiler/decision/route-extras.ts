/**
 * Offline mirror of the runtime's extra route conditions (runtime/routing/route-extras.ts,
 * route-facts.ts, content/*): path, consumer, estimated prompt tokens and content
 * classifiers, evaluated on plan data for explain, policy tests and simulate. The
 * same rules, written for clarity rather than speed; decide.test.ts checks the two
 * agree.
 */
import type { Plan, PlanRoute } from "../../schemas/plan/plan.js";

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

/** ASCII ≈ 4 characters per token, other scripts below U+2E80 ≈ 2, wider ≈ 1, plus 4 per message. */
export function estimateTokens(body: Readonly<Record<string, unknown>>): number {
  let quarters = 0;
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    quarters += 16;
    for (const text of contentTexts((m as { content?: unknown } | null)?.content)) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        quarters += c < 0x80 ? 1 : c < 0x2e80 ? 2 : 4;
      }
    }
  }
  return Math.ceil(quarters / 4);
}

function contentTexts(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((p) => (p !== null && typeof p === "object" && typeof (p as { text?: unknown }).text === "string" ? [(p as { text: string }).text] : []));
}

function lastUserText(body: Readonly<Record<string, unknown>>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown } | null;
    if (m !== null && typeof m === "object" && m.role === "user") return contentTexts(m.content).join("\n");
  }
  return "";
}

const WORD = /[\p{L}\p{N}_]/u;

function classifierMatches(table: NonNullable<Plan["routing"]["classifiers"]>, c: number, text: string): boolean {
  const lower = text.toLowerCase();
  for (const k of table.keywords) {
    if (k.classifier !== c) continue;
    const haystack = k.caseSensitive ? text : lower;
    for (let at = haystack.indexOf(k.text); at !== -1; at = haystack.indexOf(k.text, at + 1)) {
      if (!k.wholeWord) return true;
      const before = at > 0 && WORD.test(haystack[at - 1]!);
      const after = at + k.text.length < haystack.length && WORD.test(haystack[at + k.text.length]!);
      if (!before && !after) return true;
    }
  }
  const pattern = table.patterns[c];
  // Proven free of catastrophic backtracking by the compiler.
  return pattern != null && new RegExp(pattern, "u").test(text);
}
