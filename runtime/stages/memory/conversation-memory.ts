/**
 * Conversation memory for stateless clients: with `x-tollgate-session: <id>`, the
 * gateway keeps each consumer's conversation and puts its prior turns into the
 * request, after the request's leading system/developer messages. The newest turns
 * are kept first, within `maxTurns`, `maxTokens`, and what the context window leaves
 * after the request itself and its `max_tokens`, all measured with the gateway's one
 * token estimate (canonical/prompt-tokens.ts); trimming never splits a turn.
 */
import { createHash } from "node:crypto";
import type { PlanMemory } from "../../../schemas/plan/cache.js";
import type { ChatMessage, ChatRequestView } from "../../canonical/chat-request.js";
import { estimateMessagesTokens, estimatePromptTokens } from "../../canonical/prompt-tokens.js";
import type { MemoryStore, Turn } from "./memory-store.js";

export const SESSION_HEADER = "x-tollgate-session";

const SESSION_ID = /^[\w.:-]{1,128}$/;

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

  /**
   * The request with the prior turns that fit put after its leading system/developer
   * messages (a new request; the given one is unchanged), and the turns loaded (for `remember`).
   */
  async supply(key: string, request: ChatRequestView): Promise<{ request: ChatRequestView; turns: Turn[] }> {
    const turns = await this.store.load(key);
    if (turns.length === 0) return { request, turns };
    const messages = request.messages;
    let budget = Math.min(this.config.maxTokens, this.config.contextWindow - estimatePromptTokens(request) - (request.maxTokens ?? 0));
    const chosen: Turn[] = [];
    for (let i = turns.length - 1; i >= 0 && chosen.length < this.config.maxTurns; i--) {
      const turn = turns[i]!;
      if (turn.tokens > budget) break;
      budget -= turn.tokens;
      chosen.unshift(turn);
    }
    if (chosen.length === 0) return { request, turns };
    let lead = 0;
    while (lead < messages.length && (messages[lead]!.role === "system" || messages[lead]!.role === "developer")) lead++;
    return { request: request.with([...messages.slice(0, lead), ...chosen.flatMap((t) => t.messages), ...messages.slice(lead)]), turns };
  }

  /** Appends this request's own messages and the answer as a turn, keeping the newest `maxTurns`. */
  async remember(key: string, before: readonly Turn[], own: readonly ChatMessage[], answer: Record<string, unknown>): Promise<void> {
    const choice = (answer["choices"] as Record<string, unknown>[] | undefined)?.[0];
    const message = choice?.["message"] as Record<string, unknown> | undefined;
    if (message === undefined) return;
    const reply: ChatMessage =
      message["tool_calls"] === undefined
        ? { role: "assistant", content: message["content"] ?? null }
        : { role: "assistant", content: message["content"] ?? null, tool_calls: message["tool_calls"] };
    const messages = [...own, reply];
    const turns = [...before, { messages, tokens: estimateMessagesTokens(messages) }].slice(-this.config.maxTurns);
    await this.store.save(key, turns, this.config.ttlMs);
  }
}
