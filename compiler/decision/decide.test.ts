/**
 * The offline decision must be the runtime's: authentication by digest, first-match
 * routing (exact names, globs), allow-lists, the weighted pick and the attempt order
 * are checked here against the runtime's own functions on a linked plan.
 */
import { afterAll, describe, expect, it } from "vitest";
import { linkPlan } from "../../runtime/plan/link-plan.js";
import { authenticate as runtimeAuthenticate } from "../../runtime/routing/authenticate.js";
import { matchRoute as runtimeMatchRoute } from "../../runtime/routing/match-route.js";
import { pickWeighted } from "../../runtime/routing/select-targets.js";
import { compileYaml } from "../../test/support/compile.js";
import { attemptOrder, decide, keyDigest, pickShares, pickTarget } from "./decide.js";
import { matchRoute, normalizeHeaders } from "./match-route.js";

const policy = `apiVersion: tollgate/v1
providers:
  - { name: vllm, kind: openai-compatible, baseUrl: "http://10.0.0.7:8000/v1", network: private }
  - { name: openai, kind: openai-compatible, baseUrl: "https://api.openai.com/v1", apiKeys: [env:OPENAI_API_KEY] }
models:
  - name: chat
    targets: [{ provider: vllm, weight: 3 }, { provider: openai, model: gpt-4o-mini, weight: 1 }, { provider: openai, model: gpt-4o, weight: 0 }]
  - name: gpt-4o
    targets: [{ provider: openai }]
    fallbacks: [{ provider: vllm, model: llama }]
routes:
  - { name: minis, match: { model: "gpt-*-mini" }, model: chat }
  - { name: claude, match: { model: "claude-*" }, model: gpt-4o }
  - { name: team-b, match: { model: "team-b", headers: { x-team: { exact: b } } }, model: gpt-4o }
consumers:
  - { name: a, keys: [{ sha256: ${keyDigest("key-a")} }], models: [chat] }
  - { name: b, keys: [{ sha256: ${keyDigest("key-b")} }] }
`;
const plan = compileYaml(policy);
const linked = linkPlan(plan, { OPENAI_API_KEY: "test" });
afterAll(() => linked.close());

describe("decide, against the runtime", () => {
  it("authenticates by key digest as the runtime does", () => {
    for (const key of ["key-a", "key-b", "key-c"]) {
      const ours = decide(plan, { model: "chat", caller: { kind: "key-digest", sha256: keyDigest(key) } }).consumer;
      const theirs = runtimeAuthenticate(linked, `Bearer ${key}`);
      expect(ours === null ? null : plan.consumers[ours]?.name, key).toBe(theirs?.name ?? null);
    }
  });

  it("takes the route the runtime takes, for every name and header set", () => {
    const headerSets: Record<string, string>[] = [{}, { "x-team": "b" }, { "x-team": "a" }];
    for (const name of ["chat", "gpt-4o", "gpt-4o-mini", "gpt-3.5-mini", "claude-3", "team-b", "llama", "", "__proto__", "constructor"]) {
      for (const headers of headerSets) {
        const ours = matchRoute(plan, name, headers);
        const theirs = runtimeMatchRoute(linked, name, headers);
        expect(ours?.route ?? null, `${name} ${JSON.stringify(headers)}`).toBe(theirs?.index ?? null);
      }
    }
  });

  it("picks the target the runtime picks for the same draw", () => {
    for (const [m, model] of linked.models.entries()) {
      for (let i = 0; i < 200; i++) {
        const draw = i / 200;
        const t = plan.targets[pickTarget(plan, m, draw)];
        const theirs = pickWeighted(model, draw);
        expect({ upstream: plan.upstreams[t?.upstream ?? -1]?.name, model: t?.model }).toEqual({ upstream: theirs.upstream.name, model: theirs.model });
      }
    }
  });
});

describe("decide", () => {
  const as = (name: string) => ({ kind: "consumer", name }) as const;

  it("refuses in the runtime's order: 401, then 404, then 403", () => {
    expect(decide(plan, { model: "nope", caller: { kind: "none" } })).toMatchObject({ outcome: "rejected", status: 401, code: "invalid_api_key" });
    expect(decide(plan, { model: "nope", caller: as("a") })).toMatchObject({ status: 404, code: "model_not_found" });
    expect(decide(plan, { model: "gpt-4o", caller: as("a") })).toMatchObject({ status: 403, code: "model_not_allowed" });
  });

  it("reports the route, how it matched, and the first-attempt shares", () => {
    const decision = decide(plan, { model: "gpt-4o-mini", caller: as("a") });
    expect(decision).toMatchObject({ outcome: "routed", route: { kind: "glob", glob: 0 } });
    if (decision.outcome !== "routed") return;
    expect(decision.picks.map((p) => p.share)).toEqual([0.75, 0.25]);
    expect(pickShares(plan, decision.model).reduce((s, p) => s + p.share, 0)).toBe(1);
  });

  it("checks header conditions of guarded routes", () => {
    const headers = normalizeHeaders({ "X-Team": "b" });
    expect(decide(plan, { model: "team-b", caller: as("b"), headers })).toMatchObject({ outcome: "routed", route: { kind: "guarded" } });
    expect(decide(plan, { model: "team-b", caller: as("b") })).toMatchObject({ status: 404 });
  });

  it("tries the picked target first, then the compiled order without it", () => {
    const chat = plan.models.findIndex((m) => m.name === "chat");
    const order = plan.models[chat]?.fallbacks ?? [];
    const second = order[1] ?? -1;
    expect(attemptOrder(plan, chat, second)).toEqual([second, ...order.filter((t) => t !== second)]);
  });
});
