/**
 * The selection program on a linked plan, without the network: each strategy's pick
 * under controlled load and latency feedback, bounded-load spill, affinity, and the
 * availability filter. Stats are driven through TargetStats, as request records do.
 */
import { describe, expect, it } from "vitest";
import { linkPlan } from "../../plan/link-plan.js";
import type { LinkedModel, LinkedPlan } from "../../plan/linked-plan.js";
import { compileYaml } from "../../../test/support/compile.js";
import type { SelectionInput } from "./selector.js";
import { chatRequest } from "../../../test/support/chat-request.js";

function plan(strategy: string, targets = "[{ provider: p, model: a, weight: 1 }, { provider: p, model: b, weight: 1 }, { provider: p, model: c, weight: 1 }]"): LinkedPlan {
  return linkPlan(
    compileYaml(`apiVersion: tollgate/v1
providers:
  - { name: p, kind: openai-compatible, baseUrl: "http://127.0.0.1:9/v1" }
models:
  - name: m
    targets: ${targets}
    strategy: ${strategy}
consumers:
  - { name: c, keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }] }
`),
    {},
  );
}

/** A selection input: the request `body` (a single "hi" by default), streamed or not. */
const input = (over: { headers?: Record<string, string>; body?: Record<string, unknown>; stream?: boolean } = {}): SelectionInput => ({
  headers: over.headers ?? {},
  request: chatRequest({ messages: [{ role: "user", content: "hi" }], ...over.body, stream: over.stream ?? false }),
  promptTokens: -1,
});
const model = (p: LinkedPlan): LinkedModel => p.models[0]!;
const pick = (m: LinkedModel, i: SelectionInput = input()): string => m.selector!.select(i).model;

describe("selection programs", () => {
  it("least-busy picks the target with the fewest requests in flight", () => {
    const m = model(plan("least-busy"));
    m.weighted[0]!.stats!.inflight = 3;
    m.weighted[1]!.stats!.inflight = 1;
    m.weighted[2]!.stats!.inflight = 2;
    for (let i = 0; i < 20; i++) expect(pick(m)).toBe("b");
  });

  it("latency prefers the lowest EWMA, tries unmeasured targets, and explores", () => {
    const m = model(plan("{ kind: latency, exploration: 0 }"));
    m.weighted[0]!.stats!.ended(50, 400);
    m.weighted[1]!.stats!.ended(20, 900);
    expect(pick(m)).toBe("c"); // never measured: optimistic score 1
    m.weighted[2]!.stats!.ended(80, 800);
    expect(pick(m)).toBe("a"); // lowest total latency for non-streams
    expect(pick(m, input({ stream: true }))).toBe("b"); // lowest time to first byte for streams
  });

  it("cost picks the cheapest target whose context window fits", () => {
    const m = model(
      plan(
        "cost",
        `[{ provider: p, model: big, price: { input: 5, output: 15 }, contextWindow: 200000 },
          { provider: p, model: cheap, price: { input: 0.1, output: 0.4 }, contextWindow: 8000 }]`,
      ),
    );
    expect(pick(m)).toBe("cheap");
    const long = { messages: [{ role: "user", content: "word ".repeat(10_000) }] };
    expect(pick(m, input({ body: long }))).toBe("big");
    expect(pick(m, input({ body: { messages: [{ role: "user", content: "hi" }], max_tokens: 9000 } }))).toBe("big");
  });

  it("bounded load skips a target over its share, so a slow one is not flooded", () => {
    const m = model(plan("{ kind: weighted, loadBound: 1.25 }"));
    m.weighted[0]!.stats!.inflight = 10;
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const t = pick(m);
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    expect(counts.get("a") ?? 0).toBe(0);
  });

  it("session affinity is sticky per session id and spills to the next on the ring over the bound", () => {
    const m = model(plan("session-affinity"));
    const home = pick(m, input({ headers: { "x-session-id": "s-1" } }));
    for (let i = 0; i < 10; i++) expect(pick(m, input({ headers: { "x-session-id": "s-1" } }))).toBe(home);
    const target = m.weighted.find((t) => t.model === home)!;
    target.stats!.inflight = 5;
    const spilled = pick(m, input({ headers: { "x-session-id": "s-1" } }));
    expect(spilled).not.toBe(home);
    target.stats!.inflight = 0;
    expect(pick(m, input({ headers: { "x-session-id": "s-1" } }))).toBe(home);
  });

  it("prefix affinity sends a prompt that extends a known prefix where that prefix went", () => {
    const m = model(plan("{ kind: prefix-affinity, blockTokens: 8 }"));
    const system = { role: "system", content: "shared instructions ".repeat(10) };
    const first = pick(m, input({ body: { messages: [system, { role: "user", content: "question one" }] } }));
    for (let turn = 1; turn < 6; turn++) {
      const messages = [system, { role: "user", content: "question one" }, { role: "assistant", content: "answer" }, { role: "user", content: `more ${turn}` }];
      expect(pick(m, input({ body: { messages } }))).toBe(first);
    }
  });

  it("the availability filter removes targets health marks unavailable", () => {
    const p = plan("least-busy");
    p.availability.current = { isAvailable: (t) => t.model !== "a" && t.model !== "b" };
    for (let i = 0; i < 20; i++) expect(pick(model(p))).toBe("c");
  });

  it("combined scorers add up: weight plus least-busy moves traffic away from a busy heavy target", () => {
    const m = model(
      plan("{ scorers: [{ kind: weighted, weight: 1 }, { kind: least-busy, weight: 2 }] }", "[{ provider: p, model: a, weight: 3 }, { provider: p, model: b, weight: 1 }]"),
    );
    const share = (): number => {
      let a = 0;
      for (let i = 0; i < 4000; i++) if (pick(m) === "a") a++;
      return a / 4000;
    };
    const idle = share();
    m.weighted[0]!.stats!.inflight = 20;
    // The busy target loses about 0.19 of the share; the bound leaves room for the draws'
    // noise (σ of the difference ≈ 0.011 at 4,000 draws) so the test is not a coin toss.
    expect(share()).toBeLessThan(idle - 0.1);
  });
});
