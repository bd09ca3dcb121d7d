/** Offline replay: deterministic per seed, failures move traffic along the attempt order. */
import { describe, expect, it } from "vitest";
import { compileYaml } from "../../../test/support/compile.js";
import { parseFailureRules } from "./failure-rules.js";
import { simulateTrace } from "./simulate-trace.js";
import { parseTrace } from "./trace.js";

const plan = compileYaml(`apiVersion: tollgate/v1
providers:
  - { name: vllm, kind: openai-compatible, baseUrl: "http://10.0.0.7:8000/v1", network: private }
  - { name: openai, kind: openai-compatible, baseUrl: "https://api.openai.com/v1" }
models:
  - name: chat
    targets: [{ provider: vllm, weight: 3 }, { provider: openai, model: gpt-4o-mini, weight: 1 }]
consumers:
  - { name: a, keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }] }
`);

const trace = (n: number, extra = ""): string =>
  Array.from({ length: n }, (_, i) => `{ "model": "chat", "key": "hello", "prompt": "${"x".repeat(8 * (i % 3))}", "max_tokens": 10${extra} }`).join("\n");

function requests(text: string) {
  const parsed = parseTrace(text, "t.jsonl");
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

describe("simulateTrace", () => {
  it("gives the same report for the same seed, and splits traffic by weight", () => {
    const reqs = requests(trace(4000));
    const a = simulateTrace(plan, reqs, [], 42);
    expect(simulateTrace(plan, reqs, [], 42)).toEqual(a);
    const vllm = a.models[0]?.targets.find((t) => t.target.includes("vllm"));
    expect((vllm?.picked ?? 0) / 4000).toBeGreaterThan(0.72);
    expect((vllm?.picked ?? 0) / 4000).toBeLessThan(0.78);
    expect(a.served).toBe(4000);
  });

  it("falls back under assumed failures, and fails when every target fails", () => {
    const reqs = requests(trace(1000));
    const rules = parseFailureRules(["vllm"], plan);
    if (typeof rules === "string") throw new Error(rules);
    const report = simulateTrace(plan, reqs, rules, 1);
    expect(report.models[0]?.targets.find((t) => t.target.includes("openai"))?.served).toBe(1000);
    expect(report.models[0]?.servedAfterFallback).toBeGreaterThan(700);
    const all = parseFailureRules(["vllm=100%", "openai=1"], plan);
    if (typeof all === "string") throw new Error(all);
    expect(simulateTrace(plan, reqs, all, 1)).toMatchObject({ served: 0, failed: 1000 });
  });

  it("counts rejections and estimates tokens (the gateway's prompt estimate) unless the trace gives them", () => {
    const reqs = requests(
      `${trace(3)}\n{ "model": "chat" }\n{ "model": "nope", "consumer": "a" }\n{ "model": "chat", "consumer": "a", "usage": { "prompt_tokens": 7, "completion_tokens": 5 } }`,
    );
    const report = simulateTrace(plan, reqs, [], 1);
    expect(report.rejected).toEqual({ "401 invalid_api_key": 1, "404 model_not_found": 1 });
    expect(report.tokens).toMatchObject([{ consumer: "a", model: "chat", requests: 4, input: 7 + 9 + 12 + 7, output: 35, inputEstimated: true, outputEstimated: true }]);
  });

  it("refuses bad trace lines and unknown providers without echoing the line", () => {
    expect(parseTrace('{ "model": "chat" }\n{ "key": "sk-secret" ', "t.jsonl")).toBe("t.jsonl:2: not valid JSON");
    expect(parseFailureRules(["opneai=0.3"], plan)).toMatch(/no provider `opneai`.*did you mean `openai`/);
    expect(parseFailureRules(["openai=1.5"], plan)).toMatch(/between 0 and 1/);
  });
});

describe("simulateTrace cost", () => {
  it("prices served requests at the serving target's plan price, and counts the unpriced ones", () => {
    const reqs = requests(`{ "model": "chat", "consumer": "a", "usage": { "prompt_tokens": 1000, "completion_tokens": 500 } }`);
    // vllm (self-hosted, no price) always fails: openai gpt-4o-mini serves, at the catalog's $0.15 / $0.60 per 1M tokens.
    const viaOpenai = parseFailureRules(["vllm"], plan);
    if (typeof viaOpenai === "string") throw new Error(viaOpenai);
    const [priced] = simulateTrace(plan, reqs, viaOpenai, 1).tokens;
    expect(priced).toMatchObject({ unpriced: 0 });
    expect(priced!.costUsd).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1_000_000, 12);
    const viaVllm = parseFailureRules(["openai"], plan);
    if (typeof viaVllm === "string") throw new Error(viaVllm);
    expect(simulateTrace(plan, requests(trace(1)), viaVllm, 1).tokens[0]).toMatchObject({ costUsd: 0, unpriced: 1 });
  });
});
