/**
 * One prompt, one size: a route's `promptTokens`, a guardrail's `maxPromptTokens`, a
 * quota's reservation and the compiler's offline mirror (explain, simulate, policy
 * tests) measure the same prompt identically, because they share one estimate
 * (runtime/canonical/prompt-tokens.ts over schemas/plan/token-estimate.ts). A bound
 * only stops the count early: below it, every caller gets the same number.
 */
import { describe, expect, it } from "vitest";
import { estimateTokens as offlineEstimate } from "../../compiler/decision/route-extras.js";
import { estimatePromptTokens } from "../../runtime/canonical/prompt-tokens.js";
import type { LinkedModel } from "../../runtime/plan/linked-plan.js";
import { RouteFacts } from "../../runtime/routing/route-facts.js";
import { GuardrailReport } from "../../runtime/stages/guardrails/guardrail-report.js";
import { guardInput } from "../../runtime/stages/guardrails/input-guard.js";
import { linkGuardrails } from "../../runtime/stages/guardrails/link-guardrails.js";
import { Redactions } from "../../runtime/stages/guardrails/redactions.js";
import { chatDemand } from "../../runtime/stages/quotas/demand.js";
import type { QuotaService } from "../../runtime/stages/quotas/quota-service.js";
import { chatRequest } from "../support/chat-request.js";
import { TOKEN_CORPUS } from "../support/token-corpus.js";

const prompts: Record<string, unknown>[] = [
  { messages: [{ role: "user", content: "hi" }] },
  ...Object.values(TOKEN_CORPUS).map((text) => ({
    messages: [
      { role: "system", content: "You are a careful assistant." },
      { role: "user", content: text },
    ],
  })),
  {
    messages: [
      { role: "system", content: "Be brief.", name: "ops" },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "https://x/y.png" } },
        ],
      },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "lookup", arguments: '{"q":"bird"}' } }] },
      { role: "tool", tool_call_id: "c1", content: "a kingfisher 🐦" },
    ],
    tools: [{ type: "function", function: { name: "lookup", description: "Look a thing up.", parameters: { type: "object", properties: { q: { type: "string" } } } } }],
  },
];

/** The guardrail's verdict on `request` with a `maxPromptTokens` of `limit`: true when it passes. */
function guardrailPasses(body: Record<string, unknown>, limit: number): boolean {
  const chain = { name: "g", maxMessages: null, maxPromptTokens: { limit, rule: "size" }, input: null, output: null, moderation: null };
  const g = linkGuardrails({ chains: [chain], routes: [0] }, [])![0]!;
  return guardInput(g, chatRequest(body), new Redactions(), new GuardrailReport("g")).ok;
}

async function quotaReservation(body: Record<string, unknown>): Promise<number> {
  // No quota asks for an exact count, so the reservation is the estimate and the service is not consulted.
  const count = await chatDemand(chatRequest(body)).inputTokens({} as QuotaService, [], {} as LinkedModel);
  expect(count.exact).toBe(false);
  return count.tokens;
}

describe("the prompt-token estimate", () => {
  it("is the same number for route matching, guardrails, quota reservations and the offline mirror", async () => {
    for (const body of prompts) {
      const tokens = estimatePromptTokens(chatRequest(body));
      const route = new RouteFacts("/v1/chat/completions", 0, chatRequest(body), tokens, null).promptTokens;
      expect(route).toBe(tokens);
      expect(new RouteFacts("/v1/chat/completions", 0, chatRequest(body), tokens - 1, null).promptTokens).toBeGreaterThan(tokens - 1);
      expect(guardrailPasses(body, tokens)).toBe(true);
      expect(guardrailPasses(body, tokens - 1)).toBe(false);
      expect(await quotaReservation(body)).toBe(tokens);
      expect(offlineEstimate({ model: "m", ...body })).toBe(tokens);
    }
  });
});
