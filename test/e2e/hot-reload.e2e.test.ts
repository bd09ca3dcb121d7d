/**
 * Hot reload under load, against both listeners: a loop of concurrent requests runs
 * while the plan file is atomically replaced 20 times, alternating between two plans
 * that route `chat` to different upstream models. No request may fail, and every
 * response must carry one of the two plan hashes. A broken plan written mid-run is
 * rejected and the last good plan keeps serving.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import type { Plan } from "../../schemas/plan/plan.js";
import { KEY_ALL, PROVIDER_KEY, PROVIDER_KEY_ENV } from "../support/e2e-policy.js";
import { opsPlan, planText, writeAtomically } from "../support/ops-policy.js";
import { parsePrometheusText, sampleValue } from "../support/prometheus-text.js";
import { LISTENERS } from "../support/listeners.js";

const CONCURRENCY = 16;
const SWAPS = 20;

describe.each(LISTENERS)("hot reload (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let dir: string;
  let file: string;
  let planA: Plan;
  let planB: Plan;
  const agent = new Agent({ connections: CONCURRENCY });

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0, requireApiKey: PROVIDER_KEY });
    planA = opsPlan(mock.port, "  metrics: true\n");
    planB = opsPlan(mock.port, "  metrics: true\n", "echo+tokens=3");
    expect(planA.hash).not.toBe(planB.hash);
    dir = mkdtempSync(join(tmpdir(), "tollgate-reload-"));
    file = join(dir, "plan.json");
    writeAtomically(file, planText(planA));
    gw = await startGateway({ plan: planA, planFile: file, port: 0, server, env: { [PROVIDER_KEY_ENV]: PROVIDER_KEY } });
  });

  afterAll(async () => {
    await gw?.close();
    await mock?.close();
    await agent.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const chat = async (stream: boolean): Promise<{ status: number; plan: string; ok: boolean }> => {
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: `Bearer ${KEY_ALL}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "chat", stream, messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.body.text();
    const ok = stream ? text.includes("data: [DONE]") : JSON.parse(text).object === "chat.completion";
    return { status: res.statusCode, plan: String(res.headers["x-tollgate-plan"]), ok };
  };

  const metric = async (name: string, labels: Record<string, string>): Promise<number> => {
    const res = await request(`${gw.url}/metrics`);
    return sampleValue(parsePrometheusText(await res.body.text()), name, labels);
  };

  it("swaps the plan 20 times under load without failing a request", async () => {
    let running = true;
    const seen: { status: number; plan: string; ok: boolean }[] = [];
    const errors: unknown[] = [];
    const worker = async (n: number): Promise<void> => {
      for (let i = 0; running; i++) {
        try {
          seen.push(await chat((n + i) % 2 === 0));
        } catch (err) {
          errors.push(err);
        }
      }
    };
    const workers = Array.from({ length: CONCURRENCY }, (_, n) => worker(n));
    const okBefore = await metric("tollgate_plan_reloads_total", { result: "ok" });
    for (let i = 1; i <= SWAPS; i++) {
      const next = i % 2 === 1 ? planB : planA;
      writeAtomically(file, planText(next));
      // Wait until the watcher has swapped it in, with traffic flowing meanwhile.
      for (let t = 0; gw.store.current.hash !== next.hash && t < 100; t++) await sleep(20);
      expect(gw.store.current.hash).toBe(next.hash);
      await sleep(30);
    }
    running = false;
    await Promise.all(workers);
    expect(errors).toEqual([]);
    expect(seen.length).toBeGreaterThan(SWAPS * 5);
    expect(seen.filter((r) => r.status !== 200 || !r.ok)).toEqual([]);
    const hashes = new Set(seen.map((r) => r.plan));
    expect([...hashes].sort()).toEqual([planA.hash, planB.hash].sort());
    expect(await metric("tollgate_plan_reloads_total", { result: "ok" })).toBeGreaterThanOrEqual(okBefore + SWAPS);
    expect(await metric("tollgate_plan_info", { hash: planA.hash })).toBe(1);
  });

  it("rejects a broken plan file and keeps serving the last good plan", async () => {
    const good = gw.store.current.hash;
    const failedBefore = await metric("tollgate_plan_reloads_total", { result: "failed" });
    writeAtomically(file, '{"planVersion":1,"broken":');
    for (let t = 0; t < 100 && (await metric("tollgate_plan_reloads_total", { result: "failed" })) === failedBefore; t++) await sleep(20);
    expect(await metric("tollgate_plan_reloads_total", { result: "failed" })).toBe(failedBefore + 1);
    expect(gw.store.current.hash).toBe(good);
    const res = await chat(false);
    expect(res).toEqual({ status: 200, plan: good, ok: true });
    const ready = await request(`${gw.url}/readyz`);
    expect(JSON.parse(await ready.body.text()).plan).toBe(good);
    expect(ready.headers["x-tollgate-plan"]).toBe(good);
  });

  it("closes a retired plan's pools only after its in-flight streams finish", async () => {
    const before = gw.store.current.hash;
    const slow = request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY_ALL}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "trickle", stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    await sleep(200);
    const next = before === planA.hash ? planB : planA;
    writeAtomically(file, planText(next));
    for (let t = 0; gw.store.current.hash !== next.hash && t < 100; t++) await sleep(20);
    const res = await slow;
    expect(res.headers["x-tollgate-plan"]).toBe(before);
    const body = await res.body.text();
    expect(body.trimEnd().endsWith("data: [DONE]")).toBe(true);
  }, 20_000);
});
