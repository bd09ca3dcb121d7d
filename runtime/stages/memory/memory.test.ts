import { describe, expect, it } from "vitest";
import type { PlanMemory } from "../../../schemas/plan/cache.js";
import { ConversationMemory } from "./conversation-memory.js";
import { LocalMemoryStore } from "./memory-store.js";
import { chatRequest } from "../../../test/support/chat-request.js";

const config: PlanMemory = { maxTurns: 10, maxTokens: 1000, contextWindow: 100_000, ttlMs: 60_000, store: "memory", maxSessions: 2 };
const answer = (content: string) => ({ choices: [{ message: { role: "assistant", content } }] });
const turnsOf = (turns: readonly { tokens: number }[]) => turns.map((t) => t.tokens);

describe("conversation memory", () => {
  it("forgets a conversation after its TTL (injected clock) and bounds the sessions kept", async () => {
    let now = 0;
    const store = new LocalMemoryStore(2, () => now);
    const memory = new ConversationMemory(config, store);
    await memory.remember("s1", [], [{ role: "user", content: "hi" }], answer("hello"));
    now = 59_999;
    expect(await store.load("s1")).toHaveLength(1);
    now = 60_000;
    expect(await store.load("s1")).toEqual([]);
    await store.save("a", [], 1e9);
    await store.save("b", [], 1e9);
    await store.save("c", [], 1e9);
    expect(await store.load("a")).toEqual([]);
  });

  it("supplies whole turns, newest first, within the token budget and the context window", async () => {
    const store = new LocalMemoryStore(10, () => 0);
    const memory = new ConversationMemory({ ...config, maxTokens: 40 }, store);
    let turns = await store.load("k");
    for (const n of [1, 2, 3]) {
      await memory.remember("k", turns, [{ role: "user", content: `question ${n} ${"x".repeat(40)}` }], answer(`answer ${n}`));
      turns = await store.load("k");
    }
    const request = chatRequest({
      messages: [
        { role: "system", content: "S" },
        { role: "user", content: "now" },
      ],
    });
    const supplied = await memory.supply("k", request);
    const contents = supplied.request.messages.map((m) => String(m.content).slice(0, 10));
    // Each turn is 28 tokens (the one estimate), so a 40-token budget takes only the newest.
    expect(turnsOf(supplied.turns)).toEqual([28, 28, 28]);
    expect(contents).toEqual(["S", "question 3", "answer 3", "now"]);
    // The client's request is not written: the supplied one is a new request.
    expect(request.messages).toHaveLength(2);
    const tight = new ConversationMemory({ ...config, contextWindow: 20 }, store);
    const small = chatRequest({ messages: [{ role: "user", content: "now" }], max_tokens: 10 });
    expect((await tight.supply("k", small)).request.messages).toHaveLength(1);
  });

  it("refuses session ids that could smuggle anything into keys", () => {
    expect(ConversationMemory.key("a", "ok-id_1.2:3")).toMatch(/^[0-9a-f]{64}$/);
    expect(ConversationMemory.key("a", "has space")).toBeNull();
    expect(ConversationMemory.key("a", "x".repeat(129))).toBeNull();
    expect(ConversationMemory.key("a", "s")).not.toBe(ConversationMemory.key("b", "s"));
  });
});
