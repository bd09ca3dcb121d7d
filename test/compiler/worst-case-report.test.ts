/**
 * `tollgate check` prints the worst case per model on stdout (human) or as `worstCase`
 * (JSON); `diff` and `explain` compute it from a plan, and get the same numbers.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planWorstCases } from "../../compiler/analysis/worst-case.js";
import { checkCommand } from "../../compiler/commands/check.js";
import { compileSources } from "../../compiler/index.js";
import { useCapturedIo } from "../support/captured-io.js";

const POLICY = `apiVersion: tollgate/v1
limits: { maxWorstCaseLatency: 2m, assumedTokens: { input: 1000, output: 1000 } }
providers:
  - { name: openai, kind: openai-compatible, baseUrl: "https://api.openai.com/v1", timeouts: { firstByte: 20s, idle: 20s, total: 45s } }
  - { name: vllm, kind: openai-compatible, baseUrl: "http://127.0.0.1:8000/v1", timeouts: { firstByte: 20s, idle: 20s, total: 30s } }
models:
  - name: chat
    targets: [{ provider: openai, model: gpt-4o-mini }]
    fallbacks: [{ model: local }]
    limits: { maxWorstCaseCost: 0.01 }
  - name: local
    targets: [{ provider: vllm, model: llama }]
consumers: [{ name: c, keys: [{ sha256: ${"a".repeat(64)} }] }]
`;

const io = useCapturedIo("tollgate-worst-");

function write(text: string): string {
  const path = join(io.dir, "gateway.yaml");
  writeFileSync(path, text);
  return path;
}

describe("the worst-case report", () => {
  it("is printed on stdout in the human format (the diagnostics on stderr), one row per model", async () => {
    // chat's cost needs local's price, which it lacks: an error, and a `?` in the table.
    expect(await checkCommand([write(POLICY)], { format: "human" })).toBe(1);
    expect(io.err).toContain("error TG3112: `maxWorstCaseCost` of model `chat` cannot be checked: `llama` on `vllm` has no price");
    expect(io.err).not.toContain("Worst case per request");
    const table = io.out;
    expect(table.split("\n").slice(2, 5)).toEqual([
      "model  attempts  latency  cost  tokens per attempt    ceilings",
      "chat          2   1m 15s     ?  1,000 in + 1,000 out  latency ≤ 2m ✓, cost ≤ $0.0100 ?",
      "local         1      30s     ?  1,000 in + 1,000 out  latency ≤ 2m ✓",
    ]);
    expect(table).toContain("? chat: no price for `llama` on `vllm`");
  });

  it("is part of the JSON output", async () => {
    const priced = POLICY.replace("model: llama }", "model: llama, price: { input: 0, output: 0 } }");
    expect(await checkCommand([write(priced)], { format: "json" })).toBe(0);
    const json = JSON.parse(io.out) as { errors: number; worstCase: unknown[] };
    expect(json.errors).toBe(0);
    expect(json.worstCase).toEqual([
      {
        model: "chat",
        attempts: 2,
        latencyMs: 75_000,
        costUsd: (1000 * 0.15 + 1000 * 0.6) / 1_000_000,
        assumedTokens: { input: 1000, output: 1000 },
        unpriced: [],
        maxLatencyMs: 120_000,
        maxCostUsd: 0.01,
      },
      { model: "local", attempts: 1, latencyMs: 30_000, costUsd: 0, assumedTokens: { input: 1000, output: 1000 }, unpriced: [], maxLatencyMs: 120_000, maxCostUsd: null },
    ]);
  });
});

describe("the worst case read from a plan", () => {
  it("equals the one check computes from the policy, for every golden plan", () => {
    const cases = fileURLToPath(new URL("./cases/", import.meta.url));
    let compared = 0;
    for (const name of readdirSync(cases).filter((n) => existsSync(join(cases, n, "plan.json")))) {
      const dir = join(cases, name);
      const sources = readdirSync(dir)
        .filter((f) => /\.(ya?ml|ts)$/.test(f))
        .sort()
        .map((f) => ({ path: f, text: readFileSync(join(dir, f), "utf8") }));
      const result = compileSources(sources);
      if (result.plan === null) continue;
      const fromPolicy = result.reports.worstCase ?? [];
      const assumed = new Map(fromPolicy.map((w) => [w.model, w]));
      expect(planWorstCases(result.plan, assumed), name).toEqual(fromPolicy);
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });
});
