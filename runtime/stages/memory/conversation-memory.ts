/**
 * Conversation memory for stateless clients: with `x-tollgate-session: <id>`, the
 * gateway keeps each consumer's conversation and puts its prior turns into the
 * request, after the request's leading system/developer messages. The newest turns
 * are kept first, within `maxTurns`, `maxTokens`, and what the context window leaves
 * after the request itself and its `max_tokens`. Tokens are estimated as characters / 4
 * (the same cheap bound the quota estimate starts from); trimming never splits a turn.
 */
import { createHash } from "node:crypto";
import type { PlanMemory } from "../../../schemas/plan/cache.js";
import type { MemoryStore, Turn } from "./memory-store.js";

export const SESSION_HEADER = "x-tollgate-session";

const SESSION_ID = /^[\w.:-]{1,128}$/;

/** Estimated tokens of some messages. */
export function estimateTokens(messages: readonly unknown[]): number {
  return Math.ceil(JSON.stringify(messages).length / 4);
}

export class ConversationMemory {
  constructor(
    readonly config: PlanMemory,
    readonly store: MemoryStore,
  ) {}

  /** The store key of a consumer's session, or null when the id is not acceptable. */
  static key(scope: string, sessionId: string): string | null {
    if (!SESSION_ID.test(sessionId)) return null;
    return createHash("sha256").update(scope).update("\0").update(sessionId).digest("hex");
  }

  /** Inserts the prior turns that fit into `body.messages`; returns the turns loaded (for `remember`). */
  async supply(key: string, body: Record<string, unknown>): Promise<Turn[]> {
    const turns = await this.store.load(key);
    if (turns.length === 0) return turns;
    const messages = body["messages"] as Record<string, unknown>[];
    const reserved = typeof body["max_completion_tokens"] === "number" ? body["max_completion_tokens"] : typeof body["max_tokens"] === "number" ? body["max_tokens"] : 0;
    let budget = Math.min(this.config.maxTokens, this.config.contextWindow - estimateTokens(messages) - reserved);
    const chosen: Turn[] = [];
    for (let i = turns.length - 1; i >= 0 && chosen.length < this.config.maxTurns; i--) {
      const turn = turns[i]!;
      if (turn.tokens > budget) break;
      budget -= turn.tokens;
      chosen.unshift(turn);
    }
    if (chosen.length === 0) return turns;
    let lead = 0;
    while (lead < messages.length && (messages[lead]!["role"] === "system" || messages[lead]!["role"] === "developer")) lead++;
    body["messages"] = [...messages.slice(0, lead), ...chosen.flatMap((t) => t.messages), ...messages.slice(lead)];
    return turns;
  }

  /** Appends this request's own messages and the answer as a turn, keeping the newest `maxTurns`. */
  async remember(key: string, before: readonly Turn[], own: readonly Record<string, unknown>[], answer: Record<string, unknown>): Promise<void> {
    const choice = (answer["choices"] as Record<string, unknown>[] | undefined)?.[0];
    const message = choice?.["message"] as Record<string, unknown> | undefined;
    if (message === undefined) return;
    const reply: Record<string, unknown> = { role: "assistant", content: message["content"] ?? null };
    if (message["tool_calls"] !== undefined) reply["tool_calls"] = message["tool_calls"];
    const messages = [...own, reply];
    const turns = [...before, { messages, tokens: estimateTokens(messages) }].slice(-this.config.maxTurns);
    await this.store.save(key, turns, this.config.ttlMs);
  }
}
