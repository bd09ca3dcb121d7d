/**
 * The offline route matcher agrees with the runtime's on the conditions beyond model
 * and headers: consumer, team and tags, prompt size, content classifiers and path.
 */
import { describe, expect, it } from "vitest";
import { linkPlan } from "../../runtime/plan/link-plan.js";
import { matchRoute as runtimeMatchRoute } from "../../runtime/routing/match-route.js";
import { RouteFacts } from "../../runtime/routing/route-facts.js";
import { compileYaml } from "../../test/support/compile.js";
import { routingPolicy } from "../../test/support/routing-policy.js";
import { matchRoute } from "./match-route.js";
import { estimateTokens } from "./route-extras.js";
import { estimatePromptTokens } from "../../runtime/canonical/prompt-tokens.js";
import { chatRequest } from "../../test/support/chat-request.js";

describe("route conditions beyond model and headers, offline and at run time", () => {
  const plan = compileYaml(routingPolicy([1, 2, 3]));
  const linked = linkPlan(plan, {});
  const bodies = [
    "hi",
    "Please prove it",
    "improve it",
    "Think STEP by step",
    "def f(x): return x",
    "x".repeat(8003),
    "word ".repeat(1987),
    "word ".repeat(1988),
    "中".repeat(2500),
    "请证明这个定理",
    "证明",
  ].map((content) => ({
    model: "auto",
    messages: [
      { role: "system", content: "prove" },
      { role: "user", content },
    ],
  }));
  const paths = ["/v1/chat/completions", "/v1/other"];

  it("takes the same route for every consumer, body and path", () => {
    let compared = 0;
    for (let consumer = 0; consumer < plan.consumers.length; consumer++) {
      for (const body of bodies) {
        for (const path of paths) {
          const ours = matchRoute(plan, "auto", {}, { consumer, body, path });
          const facts = new RouteFacts(path, consumer, chatRequest(body), linked.routeFacts!.tokenCap, linked.routeFacts!.classifiers);
          const theirs = runtimeMatchRoute(linked, "auto", {}, facts);
          expect(ours?.route ?? null, `${plan.consumers[consumer]!.name} ${path} ${String(body.messages[1]!.content).slice(0, 20)}`).toBe(theirs?.index ?? null);
          compared++;
        }
      }
    }
    expect(compared).toBe(66);
  });

  it("estimates a prompt's tokens exactly as the runtime does", () => {
    const samples: Record<string, unknown>[] = [
      ...bodies,
      {
        model: "m",
        messages: [
          { role: "system", content: "You are terse.", name: "ops" },
          {
            role: "user",
            content: [
              { type: "text", text: "What is in this picture?" },
              { type: "image_url", image_url: { url: "https://x/y.png" } },
            ],
          },
          { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "lookup", arguments: '{"q":"Zürich 2024"}' } }] },
          { role: "assistant", content: [{ type: "refusal", refusal: "I can't help with that." }] },
          { role: "tool", tool_call_id: "c1", content: "Здравствуйте, 42 °C 🌡️" },
        ],
        tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } } }],
        response_format: { type: "json_object" },
      },
    ];
    for (const body of samples) expect(estimateTokens(body)).toBe(estimatePromptTokens(chatRequest(body)));
  });
});
