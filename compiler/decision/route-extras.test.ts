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

describe("route conditions beyond model and headers, offline and at run time", () => {
  const plan = compileYaml(routingPolicy([1, 2, 3]));
  const linked = linkPlan(plan, {});
  const bodies = ["hi", "Please prove it", "improve it", "Think STEP by step", "def f(x): return x", "x".repeat(8003), "x".repeat(8004), "中".repeat(2500)].map((content) => ({
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
          const facts = new RouteFacts(path, consumer, body, linked.routeFacts!.tokenCap, linked.routeFacts!.classifiers);
          const theirs = runtimeMatchRoute(linked, "auto", {}, facts);
          expect(ours?.route ?? null, `${plan.consumers[consumer]!.name} ${path} ${String(body.messages[1]!.content).slice(0, 20)}`).toBe(theirs?.index ?? null);
          compared++;
        }
      }
    }
    expect(compared).toBe(48);
  });
});
