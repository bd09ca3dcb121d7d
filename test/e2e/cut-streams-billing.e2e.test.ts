/**
 * Every request is billed: a stream cut by the upstream (the connection dropped after a
 * few tokens), for every adapter setup, and one abandoned by its client, are settled
 * with the prompt's tokens (the upstream's count when it came, else the estimate) and
 * the output relayed so far, marked as estimated, with the way it ended in the audit
 * line; `tollgate_tokens_total`, the ledger, the cost metric and the audit line agree.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import type { UsageReport } from "../../runtime/ops/usage-report.js";
import { ADAPTER_SETUPS, type AdapterSetup } from "../conformance/adapter-setups.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parsePrometheusText } from "../support/prometheus-text.js";

const KEY = "sk-tg-cut-streams";
/** A streamed answer that reaches a card number after a sentence of ordinary text (the mock sends 3-character chunks). */
const SAY_CARD = encodeURIComponent("Here is a fairly long sentence of ordinary text before anything sensitive appears. Your card is 4111 1111 1111 1111, keep it safe.").replace(
  /\+/g,
  "%2B",
);
const ADMIN = "admin-cut-streams";
let mock: MockUpstream;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-cut-"));

beforeAll(async () => {
  setQuietLogs(true);
  mock = await startMockUpstream({ port: 0 });
});
afterAll(async () => {
  await mock?.close();
});

function policy(setup: AdapterSetup, audit: string): string {
  return `apiVersion: tollgate/v1
listener:
  metrics: true
  admin: { port: 0, token: env:CUT_ADMIN }
  audit: { sink: file, path: ${audit}, flush: 100ms }
providers:
${setup.provider(mock)}models:
  - name: cut
    targets: [{ provider: up, model: "echo+tokens=40+drop=6", price: { input: 2, output: 8 } }]
  - name: slow
    targets: [{ provider: up, model: "echo+tokens=200+tps=50", price: { input: 2, output: 8 } }]
  - name: guarded
    targets: [{ provider: up, model: "echo+say=${SAY_CARD}+chunk=3", price: { input: 2, output: 8 } }]
    guardrails: [cards-out]
guardrails:
  - name: cards-out
    output:
      pii: { card: block }
consumers:
  - { name: c, team: t, keys: [{ sha256: ${sha256Hex(KEY)} }] }
`;
}

interface AuditRecord {
  model: string;
  ended: string;
  usage: { inputTokens: number; outputTokens: number; source: string } | null;
}

async function settled(gw: Gateway, model: string): Promise<{ ledger: UsageReport["ledger"][number]; metrics: string }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await request(`${gw.adminUrl}/admin/usage`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const report = (await res.body.json()) as UsageReport;
    const row = report.ledger.find((r) => r.model === model);
    if (row !== undefined || Date.now() > deadline) {
      const m = await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
      return { ledger: row!, metrics: await m.body.text() };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function metric(text: string, name: string, labels: Record<string, string>): number {
  return parsePrometheusText(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

async function auditOf(file: string, model: string): Promise<AuditRecord> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // Not written yet.
    }
    const line = text
      .trim()
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as AuditRecord)
      .find((l) => l.model === model);
    if (line !== undefined || Date.now() > deadline) return line!;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function expectAgreement(row: UsageReport["ledger"][number], metrics: string, audit: AuditRecord, model: string): void {
  expect(row.total.requests).toBe(1);
  expect(row.total.inputTokens).toBeGreaterThan(0);
  expect(row.total.outputTokens).toBeGreaterThan(0);
  expect(metric(metrics, "tollgate_tokens_total", { gen_ai_request_model: model, gen_ai_token_type: "input" })).toBe(row.total.inputTokens);
  expect(metric(metrics, "tollgate_tokens_total", { gen_ai_request_model: model, gen_ai_token_type: "output" })).toBe(row.total.outputTokens);
  expect(metric(metrics, "tollgate_cost_usd_total", { gen_ai_request_model: model })).toBeCloseTo(row.total.costUsd, 9);
  expect(row.total.costUsd).toBeCloseTo((row.total.inputTokens * 2 + row.total.outputTokens * 8) / 1e6, 9);
  expect(audit.usage!.inputTokens).toBe(row.total.inputTokens);
  expect(audit.usage!.outputTokens).toBe(row.total.outputTokens);
}

describe.each(ADAPTER_SETUPS.map((s) => [s.name, s] as const))("a stream cut by the upstream (%s)", (name, setup) => {
  let gw: Gateway;
  afterAll(async () => {
    await gw?.close();
  });

  it("is billed on its prompt and the output relayed, marked estimated and upstream_cut, the same in metrics, ledger and audit", async () => {
    const audit = join(tmp, `${name.replace(/[^A-Za-z0-9]+/g, "-")}.jsonl`);
    gw = await startGateway({ plan: compileYaml(policy(setup, audit)), port: 0, env: { ...setup.env, CUT_ADMIN: ADMIN } });
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "cut", stream: true, messages: [{ role: "user", content: "Tell me a story about a lighthouse keeper." }] }),
    });
    expect(res.statusCode).toBe(200);
    const text = await res.body.text();
    expect(text).toContain('"error"');
    const { ledger, metrics } = await settled(gw, "cut");
    const line = await auditOf(audit, "cut");
    expect(line.ended).toBe("upstream_cut");
    expectAgreement(ledger, metrics, line, "cut");
    // What was relayed: about 6 of the 40 tokens (counted from the text when the upstream's count never came).
    expect(ledger.total.outputTokens).toBeLessThan(40);
  }, 60_000);
});

describe("a stream abandoned by its client", () => {
  let gw: Gateway;
  afterAll(async () => {
    await gw?.close();
  });

  it("is billed on its prompt and the output relayed before the client left, marked client_abandoned", async () => {
    const audit = join(tmp, "abandoned.jsonl");
    gw = await startGateway({ plan: compileYaml(policy(ADAPTER_SETUPS[0]!, audit)), port: 0, env: { ...ADAPTER_SETUPS[0]!.env, CUT_ADMIN: ADMIN } });
    const controller = new AbortController();
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      signal: controller.signal,
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "slow", stream: true, messages: [{ role: "user", content: "Count slowly." }] }),
    });
    await new Promise<void>((resolve) => {
      let seen = 0;
      res.body.on("data", (chunk: Buffer) => {
        seen += (chunk.toString().match(/"content":"/g) ?? []).length;
        if (seen >= 8) {
          controller.abort();
          resolve();
        }
      });
      res.body.on("error", () => resolve());
    });
    const { ledger, metrics } = await settled(gw, "slow");
    const line = await auditOf(audit, "slow");
    expect(line.ended).toBe("client_abandoned");
    expectAgreement(ledger, metrics, line, "slow");
    expect(metric(metrics, "tollgate_estimated_usage_requests_total", { gen_ai_request_model: "slow" })).toBe(1);
  }, 60_000);
});

describe("a stream stopped by an output guardrail", () => {
  let gw: Gateway;
  afterAll(async () => {
    await gw?.close();
  });

  it("is billed on its prompt and the output relayed before the guardrail stopped it, marked guardrail_stopped", async () => {
    const audit = join(tmp, "guardrail.jsonl");
    gw = await startGateway({ plan: compileYaml(policy(ADAPTER_SETUPS[0]!, audit)), port: 0, env: { ...ADAPTER_SETUPS[0]!.env, CUT_ADMIN: ADMIN } });
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "guarded", stream: true, messages: [{ role: "user", content: "What is my card?" }] }),
    });
    expect(res.statusCode).toBe(200);
    const text = await res.body.text();
    expect(text).toContain('"error"');
    expect(text).not.toContain("4111");
    const { ledger, metrics } = await settled(gw, "guarded");
    const line = await auditOf(audit, "guarded");
    expect(line.ended).toBe("guardrail_stopped");
    expectAgreement(ledger, metrics, line, "guarded");
  }, 60_000);
});
