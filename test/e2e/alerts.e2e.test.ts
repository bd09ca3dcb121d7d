/**
 * Alert rules, against both listeners, with a real webhook server: failing traffic
 * makes the success-rate rule fire (one POST, then quiet for the cool-down), slow
 * traffic the p95 rule; healthy traffic after the window resolves it; the state and
 * the recent notifications are at GET /admin/alerts, behind the admin token.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import type { AlertEvent } from "../../runtime/ops/alerts/alert-engine.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { startRecorder, type Recorder } from "../support/webhook-server.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-alerts";
const ADMIN = "admin-alerts-token";

function policy(mockPort: number): string {
  return `apiVersion: tollgate/v1
listener:
  admin: { port: 0, token: env:TG_ALERTS_ADMIN }
  alerts:
    webhook: env:TG_ALERTS_WEBHOOK
    interval: 200ms
    cooldown: 1h
    rules:
      - { name: errors, successRate: { below: 0.9 }, window: 3s, minRequests: 3 }
      - { name: slow, p95Latency: { above: 400ms }, window: 3s, minRequests: 3 }
      - { name: burn, spendRate: { above: 1000 } }
providers:
  - name: mock
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
models:
  - name: ok
    targets: [{ provider: mock, model: echo }]
  - name: failing
    targets: [{ provider: mock, model: "echo+status=500" }]
  - name: sluggish
    targets: [{ provider: mock, model: "echo+latency=700" }]
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
}

describe.each(LISTENERS)("alert rules (%s listener)", (server) => {
  let mock: MockUpstream;
  let hook: Recorder<AlertEvent>;
  let gw: Gateway;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    hook = await startRecorder<AlertEvent>();
    gw = await startGateway({ plan: compileYaml(policy(mock.port)), port: 0, server, env: { TG_ALERTS_ADMIN: ADMIN, TG_ALERTS_WEBHOOK: hook.url } });
  });

  afterAll(async () => {
    await gw?.close();
    await hook?.close();
    await mock?.close();
  });

  const chat = (model: string) =>
    request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    }).then(async (r) => {
      await r.body.dump();
      return r.statusCode;
    });
  const alerts = async () => {
    const res = await request(`${gw.adminUrl}/admin/alerts`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return {
      status: res.statusCode,
      body: (await res.body.json()) as { rules: { name: string; state: string; value: number | null }[]; recent: AlertEvent[]; webhook: Record<string, unknown> },
    };
  };

  it("shows the rules at GET /admin/alerts, only with the admin token, never the webhook URL", async () => {
    const anonymous = await request(`${gw.adminUrl}/admin/alerts`);
    expect(anonymous.statusCode).toBe(401);
    await anonymous.body.dump();
    const { status, body } = await alerts();
    expect(status).toBe(200);
    expect(body.rules.map((r) => [r.name, r.state])).toEqual([
      ["errors", "ok"],
      ["slow", "ok"],
      ["burn", "ok"],
    ]);
    expect(JSON.stringify(body)).not.toContain(hook.url);
  });

  it("fires the success-rate rule once on failing traffic, then keeps quiet for the cool-down", async () => {
    const statuses = await Promise.all(Array.from({ length: 5 }, () => chat("failing")));
    expect(statuses.every((s) => s >= 500)).toBe(true);
    await hook.until((r) => r.some((e) => e.rule === "errors" && e.status === "firing"));
    const event = hook.received.find((e) => e.rule === "errors")!;
    expect(event).toMatchObject({
      type: "tollgate.alert",
      status: "firing",
      condition: "success-rate-below",
      threshold: 0.9,
      value: 0,
      windowMs: 3000,
      plan: gw.store.current.hash,
    });
    expect(event.message).toMatch(/^FIRING: errors: success rate 0\.0% over 3s/);
    await sleep(800);
    expect(hook.received.filter((e) => e.rule === "errors" && e.status === "firing")).toHaveLength(1);
    const { body } = await alerts();
    expect(body.rules.find((r) => r.name === "errors")?.state).toBe("firing");
    expect(body.recent.find((e) => e.rule === "errors")).toMatchObject({ rule: "errors", status: "firing", delivered: true });
    expect(body.webhook).toMatchObject({ host: new URL(hook.url).host, failed: 0 });
  });

  it("fires the p95 latency rule on slow traffic", async () => {
    await Promise.all(Array.from({ length: 4 }, () => chat("sluggish")));
    await hook.until((r) => r.some((e) => e.rule === "slow" && e.status === "firing"));
    const event = hook.received.find((e) => e.rule === "slow")!;
    expect(event.value).toBeGreaterThan(400);
  });

  it("resolves once the failures have left the window", async () => {
    const deadline = Date.now() + 12_000;
    while (!hook.received.some((e) => e.rule === "errors" && e.status === "resolved") && Date.now() < deadline) {
      await Promise.all(Array.from({ length: 4 }, () => chat("ok")));
      await sleep(300);
    }
    const resolved = hook.received.find((e) => e.rule === "errors" && e.status === "resolved");
    expect(resolved).toMatchObject({ status: "resolved", condition: "success-rate-below" });
    expect((await alerts()).body.rules.find((r) => r.name === "errors")?.state).toBe("ok");
    // The spend rule never fired: nothing was spent.
    expect(hook.received.some((e) => e.rule === "burn")).toBe(false);
  });
});
