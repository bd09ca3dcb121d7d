/**
 * Plan reload carry-over at link level: latency stats and prefix-affinity indexes move
 * to the new plan only for targets and candidate lists that are the same on both sides.
 */
import { afterEach, expect, it } from "vitest";
import { compileYaml } from "../../test/support/compile.js";
import { linkPlan } from "./link-plan.js";
import type { LinkedPlan } from "./linked-plan.js";
import { chatRequest } from "../../test/support/chat-request.js";

function policy(opts: { halfLife?: number; secondModel?: string; extra?: boolean; scorers?: string } = {}): string {
  return `apiVersion: tollgate/v1
providers:
  - { name: a, kind: openai-compatible, baseUrl: "http://127.0.0.1:9/v1" }
  - { name: b, kind: openai-compatible, baseUrl: "http://127.0.0.1:10/v1" }
models:
  - name: chat
    targets: [{ provider: a, model: m1 }, { provider: b, model: ${opts.secondModel ?? "m2"} }]
    strategy: { scorers: [${opts.scorers ?? "{ kind: latency }"}]${opts.halfLife === undefined ? "" : `, latencyHalfLife: ${opts.halfLife}`} }
${opts.extra === true ? "  - { name: other, targets: [{ provider: a, model: m3 }] }\n" : ""}`;
}

const linked: LinkedPlan[] = [];
function link(text: string, previous: LinkedPlan | null = null): LinkedPlan {
  const l = linkPlan(compileYaml(text), {}, previous);
  linked.push(l);
  return l;
}
afterEach(async () => {
  await Promise.all(linked.splice(0).map((l) => l.close()));
});

it("keeps the stats instance of an unchanged target, so its averages and in-flight load carry on", () => {
  const before = link(policy());
  const stats = before.models[0]!.weighted[0]!.stats!;
  stats.started();
  stats.ended(120, 300);
  stats.started();
  const after = link(policy({ extra: true }), before);
  expect(after.models[0]!.weighted[0]!.stats).toBe(stats);
  // A changed EWMA weight gets its own instance, seeded with the averages (not the old plan's in-flight count).
  const reweighted = link(policy({ halfLife: 3 }), after);
  const fresh = reweighted.models[0]!.weighted[0]!.stats!;
  expect(fresh).not.toBe(stats);
  expect(fresh).toMatchObject({ ttftMs: 120, totalMs: 300, samples: 1, inflight: 0 });
  // Another upstream model is another target: nothing to carry.
  const changed = link(policy({ secondModel: "m9" }), before);
  expect(changed.models[0]!.weighted[1]!.stats!.samples).toBe(0);
});

it("keeps a model's prefix index when its candidates are the same, not when they changed", () => {
  const prefixOnly = { scorers: "{ kind: prefix-affinity }" };
  const prompt = "You are a careful assistant. ".repeat(40);
  const pick = (l: LinkedPlan): string =>
    l.models[0]!.selector!.select(
      {
        headers: {},
        request: chatRequest({
          messages: [
            { role: "system", content: prompt },
            { role: "user", content: "hi" },
          ],
        }),
        promptTokens: -1,
      },
      () => 0.5,
    ).model;
  // With nothing cached, the prompt's hash picks a candidate on the ring.
  const ringChoice = pick(link(policy(prefixOnly)));
  // Under the old plan that candidate is over its load bound once, so the prefix lands on the other one.
  const before = link(policy(prefixOnly));
  const busy = before.models[0]!.weighted.find((t) => t.model === ringChoice)!.stats!;
  for (let i = 0; i < 5; i++) busy.started();
  const holder = pick(before);
  expect(holder).not.toBe(ringChoice);
  for (let i = 0; i < 5; i++) busy.released();
  expect(pick(before)).toBe(holder);
  // Same candidates after the reload: the prefix still leads to its holder, not to the ring's choice.
  expect(pick(link(policy({ ...prefixOnly, extra: true }), before))).toBe(holder);
  // Changed candidates: the new plan decides as a fresh one does.
  const changed = { ...prefixOnly, secondModel: "m9" };
  expect(pick(link(policy(changed), before))).toBe(pick(link(policy(changed))));
});
