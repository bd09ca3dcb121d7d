/**
 * The GitOps verbs in process: usage errors exit 2 with a message on stderr and no
 * stack trace, and machine-readable formats stay machine-readable. (The verbs' normal
 * output is tested against the built CLI in test/cli/policy-verbs.test.ts.)
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffCommand } from "../../compiler/commands/diff.js";
import { explainCommand } from "../../compiler/commands/explain.js";
import { simulateCommand } from "../../compiler/commands/simulate.js";
import { testCommand } from "../../compiler/commands/test.js";
import { useCapturedIo } from "../support/captured-io.js";

const POLICY = "examples/multi-provider-fallback";
const io = useCapturedIo("tollgate-verbs-");

const file = (name: string, text: string): string => {
  const path = join(io.dir, name);
  writeFileSync(path, text);
  return path;
};

describe("usage errors exit 2", () => {
  it("explain: no plan source, both key and consumer, an unreadable or model-less request", async () => {
    const request = file("r.json", '{ "model": "chat" }');
    expect(await explainCommand({ request, format: "human" })).toBe(2);
    expect(io.err).toContain("give exactly one of --plan <file> or --policy <paths…>");
    expect(await explainCommand({ policy: [POLICY], request, key: "k", consumer: "c", format: "human" })).toBe(2);
    expect(await explainCommand({ policy: [POLICY], request: join(io.dir, "missing.json"), format: "human" })).toBe(2);
    expect(await explainCommand({ policy: [POLICY], request: file("m.json", '{ "messages": [] }'), format: "human" })).toBe(2);
    expect(io.err).toContain("has no `model`");
    expect(await explainCommand({ plan: file("bad-plan.json", "{}"), request, format: "human" })).toBe(2);
    expect(io.err).not.toMatch(/\n\s+at /);
  });

  it("diff: one side, an unknown format or --fail-on; a side that does not compile is shown, then exits 2", async () => {
    expect(await diffCommand([POLICY], { format: "human" })).toBe(2);
    expect(await diffCommand([POLICY, POLICY], { format: "yaml" })).toBe(2);
    expect(await diffCommand([POLICY, POLICY], { format: "human", failOn: "sometimes" })).toBe(2);
    expect(io.err).toContain("unknown --fail-on `sometimes`");
    expect(await diffCommand([POLICY, "test/compiler/cases/unknown-provider"], { format: "markdown" })).toBe(2);
    expect(io.out).toContain("error TG2001");
    expect(io.out).toContain("⛔ The new side does not compile (2 errors)");
  });

  it("simulate: a bad trace line (never echoed), an unknown provider, a bad seed", async () => {
    const bad = file("bad.jsonl", '{ "model": "chat" }\n{ "key": "sk-secret-in-trace"\n');
    expect(await simulateCommand({ policy: [POLICY], trace: bad, seed: "1", format: "human" })).toBe(2);
    expect(io.err).toBe(`tollgate simulate: ${bad}:2: not valid JSON\n`);
    const trace = file("t.jsonl", '{ "model": "chat", "consumer": "support-bot" }\n');
    expect(await simulateCommand({ policy: [POLICY], trace, fail: ["opneai=0.3"], seed: "1", format: "human" })).toBe(2);
    expect(io.err).toContain("did you mean `openai`?");
    expect(await simulateCommand({ policy: [POLICY], trace, seed: "-1", format: "human" })).toBe(2);
  });

  it("test: an unknown format", async () => {
    expect(await testCommand([POLICY], { format: "xml" })).toBe(2);
  });
});

describe("machine-readable output", () => {
  it("test --format json lists each test with its outcome", async () => {
    expect(await testCommand(["test/compiler/cases/tests-failing"], { format: "json" })).toBe(1);
    const json = JSON.parse(io.out) as { passed: number; failed: number; tests: { name: string; passed: boolean; at: string }[] };
    expect(json).toMatchObject({ passed: 0, failed: 4 });
    expect(json.tests[0]).toMatchObject({ name: "chat always on vllm", passed: false, at: "test/compiler/cases/tests-failing/policy.yaml:18:5" });
  });

  it("simulate --format json and diff --format json parse", async () => {
    const trace = file("t.jsonl", '{ "model": "chat", "consumer": "support-bot", "input_tokens": 10, "output_tokens": 3 }\n');
    expect(await simulateCommand({ policy: [POLICY], trace, seed: "1", format: "json" })).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ requests: 1, served: 1, tokens: [{ consumer: "support-bot", model: "chat", input: 10, output: 3, inputEstimated: false }] });
    io.out = "";
    expect(await diffCommand([POLICY, POLICY], { format: "json" })).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ changes: 0 });
  });
});
