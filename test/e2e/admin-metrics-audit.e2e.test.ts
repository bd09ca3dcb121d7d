/**
 * The admin listener, /metrics and the audit log, against both listeners: admin
 * endpoints refuse a missing or wrong token and do not exist on the client port;
 * /metrics parses as Prometheus text and its counters move with traffic; audit lines
 * describe each request and never contain a client key, a provider key or an
 * Authorization value.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import type { AuditLine } from "../../runtime/ops/audit-log.js";
import { sha256Hex } from "../support/compile.js";
import { KEY_ALL, KEY_LIMITED, PROVIDER_KEY, PROVIDER_KEY_ENV } from "../support/e2e-policy.js";
import { ADMIN_TOKEN, ADMIN_TOKEN_ENV, opsPlan, planText, writeAtomically } from "../support/ops-policy.js";
import { parsePrometheusText, sampleValue, type Sample } from "../support/prometheus-text.js";
import { LISTENERS } from "../support/listeners.js";

describe.each(LISTENERS)("admin, metrics and audit (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let dir: string;
  let auditFile: string;
  const body = JSON.stringify({ model: "flaky", messages: [{ role: "user", content: "audit me" }] });

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0, requireApiKey: PROVIDER_KEY });
    dir = mkdtempSync(join(tmpdir(), "tollgate-ops-"));
    auditFile = join(dir, "audit.jsonl");
    const plan = opsPlan(mock.port, `  admin: { port: 0, token: env:${ADMIN_TOKEN_ENV} }\n  audit: { sink: file, path: ${JSON.stringify(auditFile)}, content: hash }\n`);
    const planFile = join(dir, "plan.json");
    writeAtomically(planFile, planText(plan));
    gw = await startGateway({ plan, planFile, watch: false, port: 0, server, env: { [PROVIDER_KEY_ENV]: PROVIDER_KEY, [ADMIN_TOKEN_ENV]: ADMIN_TOKEN } });
  });

  afterAll(async () => {
    await gw?.close();
    await mock?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const admin = (path: string, token: string | null, method = "GET") =>
    request(`${gw.adminUrl}${path}`, { method, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  const scrape = async (): Promise<Sample[]> => {
    const res = await admin("/metrics", ADMIN_TOKEN);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.body.text());
  };

  it("refuses admin requests without the right token (401), even on unknown paths", async () => {
    for (const token of [null, "wrong", `${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1)]) {
      for (const [path, method] of [
        ["/admin/plan", "GET"],
        ["/admin/reload", "POST"],
        ["/metrics", "GET"],
        ["/nope", "GET"],
      ] as const) {
        const res = await admin(path, token, method);
        expect(res.statusCode, `${method} ${path} with ${token}`).toBe(401);
        await res.body.dump();
      }
    }
  });

  it("serves plan info and reload on the admin port only", async () => {
    const info = await admin("/admin/plan", ADMIN_TOKEN);
    const json = (await info.body.json()) as Record<string, unknown>;
    expect(json).toMatchObject({ hash: gw.store.current.hash, upstreams: ["mock", "dead"], ready: true });
    expect(JSON.stringify(json)).not.toContain(PROVIDER_KEY_ENV);
    const reload = await admin("/admin/reload", ADMIN_TOKEN, "POST");
    expect(reload.statusCode).toBe(200);
    expect(await reload.body.json()).toEqual({ ok: true, changed: false, hash: gw.store.current.hash });
    for (const [path, method] of [
      ["/admin/plan", "GET"],
      ["/admin/reload", "POST"],
      ["/metrics", "GET"],
    ] as const) {
      const res = await request(`${gw.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.statusCode, `${method} ${path} on the client port`).toBe(404);
      await res.body.dump();
    }
  });

  it("counts requests, attempts, fallbacks and durations as traffic flows", async () => {
    const before = await scrape();
    const model = { gen_ai_request_model: "flaky" };
    for (let i = 0; i < 3; i++) {
      const res = await request(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY_ALL}`, "content-type": "application/json" },
        body,
      });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }
    const unmatched = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY_ALL}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "no-such-model-a1b2", messages: [{ role: "user", content: "x" }] }),
    });
    expect(unmatched.statusCode).toBe(404);
    await unmatched.body.dump();
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>): number => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta("tollgate_requests_total", { ...model, endpoint: "chat_completions", status_class: "2xx" })).toBe(3);
    expect(delta("tollgate_request_duration_seconds_count", model)).toBe(3);
    expect(delta("tollgate_fallbacks_total", model)).toBe(3);
    expect(delta("tollgate_upstream_attempts_total", { gen_ai_provider_name: "mock", outcome: "5xx", gen_ai_operation_name: "chat" })).toBe(3);
    expect(delta("tollgate_upstream_attempts_total", { gen_ai_provider_name: "mock", outcome: "success" })).toBe(3);
    expect(delta("tollgate_requests_total", { gen_ai_request_model: "unmatched", status_class: "4xx" })).toBe(1);
    expect(after.some((s) => Object.values(s.labels).includes("no-such-model-a1b2"))).toBe(false);
    expect(sampleValue(after, "tollgate_plan_info", { hash: gw.store.current.hash })).toBe(1);
    expect(sampleValue(after, "tollgate_inflight_requests")).toBe(0);
  });

  it("writes one audit line per API request, with no key or Authorization value", async () => {
    const limited = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY_LIMITED}`, "content-type": "application/json", "x-request-id": "audit-limited-1" },
      body: JSON.stringify({ model: "chat", stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    await limited.body.text();
    await gw.close();
    const text = readFileSync(auditFile, "utf8");
    for (const secret of [KEY_ALL, KEY_LIMITED, PROVIDER_KEY, ADMIN_TOKEN, "Bearer", sha256Hex(KEY_ALL), sha256Hex(KEY_LIMITED)]) {
      expect(text.includes(secret), `audit log contains ${secret}`).toBe(false);
    }
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as AuditLine);
    const flaky = lines.filter((l) => l.model === "flaky");
    expect(flaky.length).toBe(3);
    expect(flaky[0]).toMatchObject({
      consumer: "all",
      requestedModel: "flaky",
      route: "model:flaky",
      target: { provider: "mock", model: "echo" },
      status: 200,
      stream: false,
      plan: gw.store.current.hash,
      content: `sha256:${sha256Hex(body)}`,
    });
    expect(flaky[0]!.attempts.map((a) => a.outcome)).toEqual(["5xx", "success"]);
    const streamed = lines.find((l) => l.requestId === "audit-limited-1");
    expect(streamed).toMatchObject({ consumer: "limited", model: "chat", stream: true, status: 200 });
    expect(streamed!.ttfbMs).toBeGreaterThanOrEqual(0);
    expect(lines.find((l) => l.requestedModel === "no-such-model-a1b2")).toMatchObject({ model: null, route: null, status: 404 });
  });
});
