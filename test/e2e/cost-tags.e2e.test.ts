/**
 * Cost-allocation tags: a consumer's tags, a key's tags (and its name), and the tags a
 * request adds by header from the values the policy accepts, flowing to the fleet
 * ledger (`/admin/usage` and its forecasts per tag), the audit line and the tagged
 * metrics the policy asks for. A value the policy does not accept sets no tag.
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
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { startRedis, type TestRedis } from "../support/redis-server.js";

const KEY_BATCH = "sk-tg-tags-batch";
const KEY_WEB = "sk-tg-tags-web";
const ADMIN = "admin-tags";
let mock: MockUpstream;
let redis: TestRedis;
let gw: Gateway;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-tags-"));

beforeAll(async () => {
  setQuietLogs(true);
  mock = await startMockUpstream({ port: 0 });
  redis = await startRedis();
});
afterAll(async () => {
  await gw?.close();
  await mock?.close();
  await redis?.stop();
});

async function chat(key: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await request(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hello" }] }),
  });
  expect(res.statusCode).toBe(200);
  await res.body.text();
}

describe("cost-allocation tags", () => {
  it("flow from consumers, keys and allowed header values to the fleet ledger, the audit line and the tagged metrics", async () => {
    const audit = join(tmp, "audit.jsonl");
    gw = await startGateway({
      plan: compileYaml(`apiVersion: tollgate/v1
listener:
  metrics: true
  admin: { port: 0, token: env:TAGS_ADMIN }
  audit: { sink: file, path: ${audit}, flush: 100ms }
providers:
  - { name: up, kind: openai-compatible, baseUrl: "${mock.url}" }
models:
  - { name: m, targets: [{ provider: up, model: echo, price: { input: 1, output: 2 } }] }
consumers:
  - name: search
    team: team-a
    tags: { env: prod }
    keys:
      - { sha256: ${sha256Hex(KEY_BATCH)}, name: search-batch, tags: { project: reindex } }
      - { sha256: ${sha256Hex(KEY_WEB)}, name: search-web }
costTags:
  headers:
    - { header: X-Project, tag: project, values: [chat, search] }
  metrics: [project]
stores:
  redis: { url: env:TAGS_REDIS, prefix: tags }
`),
      port: 0,
      env: { TAGS_ADMIN: ADMIN, TAGS_REDIS: redis.url },
    });
    await chat(KEY_BATCH, { "x-project": "chat" }); // the key's own tag wins: project=reindex
    await chat(KEY_WEB, { "x-project": "chat" });
    await chat(KEY_WEB, { "x-project": "chat" });
    await chat(KEY_WEB, { "x-project": "not-allowed" }); // no project tag
    const deadline = Date.now() + 10_000;
    let report: UsageReport;
    for (;;) {
      const res = await request(`${gw.adminUrl}/admin/usage`, { headers: { authorization: `Bearer ${ADMIN}` } });
      report = (await res.body.json()) as UsageReport;
      if ((report.fleet?.month.reduce((n, g) => n + g.figures.requests, 0) ?? 0) >= 4 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const byTags = new Map(report.fleet!.month.map((g) => [g.group.tag, g.figures.requests]));
    expect(byTags.get("env=prod,project=reindex")).toBe(1);
    expect(byTags.get("env=prod,project=chat")).toBe(2);
    expect(byTags.get("env=prod")).toBe(1);
    expect(report.fleet!.forecasts.tag.map((f) => f.group.tag).sort()).toEqual(["env=prod", "env=prod,project=chat", "env=prod,project=reindex"]);

    const metrics = parsePrometheusText(await (await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).body.text());
    const tagged = (value: string): number =>
      metrics
        .filter((s) => s.name === "tollgate_tagged_tokens_total" && s.labels.tag === "project" && s.labels.value === value && s.labels.gen_ai_token_type === "output")
        .reduce((n, s) => n + s.value, 0);
    expect(tagged("chat")).toBeGreaterThan(0);
    expect(tagged("reindex")).toBeGreaterThan(0);
    expect(metrics.some((s) => s.name === "tollgate_tagged_cost_usd_total" && s.labels.value === "not-allowed")).toBe(false);

    await new Promise((r) => setTimeout(r, 300));
    const lines = readFileSync(audit, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { key: string; tags: Record<string, string> });
    expect(lines.map((l) => [l.key, l.tags])).toEqual([
      ["search-batch", { env: "prod", project: "reindex" }],
      ["search-web", { env: "prod", project: "chat" }],
      ["search-web", { env: "prod", project: "chat" }],
      ["search-web", { env: "prod" }],
    ]);
  }, 60_000);
});
