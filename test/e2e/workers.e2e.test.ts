/**
 * `tollgate serve --workers 2`, as a real process, against both listeners: requests
 * are served by worker threads sharing one port; the admin listener (main thread)
 * sums the workers' metrics exactly; a concurrency limit is exact across threads (a
 * shared counter, not one per worker); an admin reload reaches every worker; SIGTERM
 * drains the open streams of every worker and exits 0. The dashboard shows the endpoints
 * the workers' breakers ejected (they live in the workers, where the traffic is).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { planText, writeAtomically } from "../support/ops-policy.js";
import { parsePrometheusText, type Sample } from "../support/prometheus-text.js";
import { CLI, startServing, type Running } from "../support/spawn-cli.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-workers";
const ADMIN = "admin-token-workers";

function policy(mockPort: number, chatModel: string): string {
  return `apiVersion: tollgate/v1
listener:
  shutdown: { grace: 300ms, deadline: 20s }
  admin: { port: 0, token: env:TG_WORKERS_ADMIN }
providers:
  - name: mock
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
  - name: narrow
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
    concurrency: { max: 2, queue: 0 }
  - name: sick
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
    health: { consecutiveFailures: 1, cooldown: 5m, maxCooldown: 10m }
models:
  - name: chat
    targets: [{ provider: mock, model: "${chatModel}" }]
  - name: slow-narrow
    targets: [{ provider: narrow, model: "echo+ttft=2500" }]
  - name: trickle
    targets: [{ provider: mock, model: "echo+tps=20+tokens=30" }]
  - name: sick
    targets: [{ provider: sick, model: "echo+status=503" }]
consumers:
  - name: team-a
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
}

/** A request on a fresh connection, so the kernel may hand it to either worker. */
async function call(url: string, model: string, stream = false) {
  const res = await request(`${url}/v1/chat/completions`, {
    method: "POST",
    reset: true,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", connection: "close" },
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] }),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe.each(LISTENERS)("serve --workers 2 (%s listener)", (server) => {
  let mock: MockUpstream;
  let dir: string;
  let planFile: string;
  let running: Running;
  let adminUrl: string;

  beforeAll(async () => {
    mock = await startMockUpstream({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), "tollgate-workers-"));
    planFile = join(dir, "plan.json");
    writeAtomically(planFile, planText(compileYaml(policy(mock.port, "echo"))));
    running = await startServing(["serve", "--plan", planFile, "--port", "0", "--server", server, "--workers", "2"], { TG_WORKERS_ADMIN: ADMIN }, CLI, 55_000);
    adminUrl = /admin listener on (http:\/\/\S+)/.exec(running.stderr())![1]!;
  }, 90_000);

  afterAll(async () => {
    if (running?.child.exitCode === null) running.child.kill("SIGKILL");
    await mock?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const admin = async (path: string, method = "GET") => {
    const res = await request(`${adminUrl}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}` } });
    return { status: res.statusCode, text: await res.body.text() };
  };
  const scrape = async (): Promise<Sample[]> => parsePrometheusText((await admin("/metrics")).text);
  const chatCount = (samples: Sample[]): number =>
    samples
      .filter((s) => s.name === "tollgate_requests_total" && s.labels.endpoint === "chat_completions" && s.labels.gen_ai_request_model === "chat")
      .reduce((n, s) => n + s.value, 0);

  it("serves on one port from two worker threads and sums their metrics exactly", async () => {
    expect(running.stderr()).toMatch(/× 2 worker threads/);
    const before = chatCount(await scrape());
    const results = await Promise.all(Array.from({ length: 40 }, () => call(running.url, "chat")));
    expect(results.map((r) => r.status)).toEqual(new Array(40).fill(200));
    const samples = await scrape();
    expect(chatCount(samples) - before).toBe(40);
    // The plan identity is one series, not one per worker.
    expect(samples.filter((s) => s.name === "tollgate_plan_info")).toHaveLength(1);
    const dashboard = JSON.parse((await admin("/admin/dashboard/data")).text) as { workers: number };
    expect(dashboard.workers).toBe(2);
    // The usage ledger the workers write lives in shared memory: the main thread's admin reads it.
    const usage = await admin("/admin/usage");
    expect(usage.status).toBe(200);
    expect(usage.text).toContain("team-a");
  });

  it("shows on the dashboard the endpoints the workers' breakers ejected", async () => {
    // Fresh connections: each worker that gets one of these ejects the endpoint in its own breakers.
    for (let i = 0; i < 6; i++) expect((await call(running.url, "sick")).status).toBeGreaterThanOrEqual(500);
    type Section = { configured: boolean; items: { provider: string; state: string; ejections: number }[] };
    let ejected: Section | null = null;
    for (let i = 0; i < 100 && (ejected?.items?.length ?? 0) === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ejected = (JSON.parse((await admin("/admin/dashboard/data")).text) as { ejected: Section }).ejected;
    }
    expect(ejected).toMatchObject({ configured: true });
    expect(ejected?.items).toEqual([expect.objectContaining({ provider: "sick", state: "open" })]);
    expect(ejected!.items[0]!.ejections).toBeGreaterThanOrEqual(1);
  });

  it("enforces a concurrency limit across both workers together (one shared counter)", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => call(running.url, "slow-narrow")));
    const ok = results.filter((r) => r.status === 200);
    const busy = results.filter((r) => r.status === 503);
    expect(ok).toHaveLength(2);
    expect(busy).toHaveLength(4);
    for (const r of busy) {
      expect(r.headers["retry-after"]).toBe("1");
      expect(JSON.parse(r.text)).toMatchObject({ error: { code: "upstream_busy", type: "server_error", param: null } });
    }
    const rejected = (await scrape()).find((s) => s.name === "tollgate_upstream_busy_rejections_total" && s.labels.gen_ai_provider_name === "narrow");
    expect(rejected?.value).toBe(4);
  });

  it("reloads every worker on POST /admin/reload", async () => {
    const next = compileYaml(policy(mock.port, "echo+tokens=3"));
    writeAtomically(planFile, planText(next));
    const reload = await admin("/admin/reload", "POST");
    expect(reload.status).toBe(200);
    expect(JSON.parse(reload.text)).toEqual({ ok: true, changed: true, hash: next.hash });
    const results = await Promise.all(Array.from({ length: 20 }, () => call(running.url, "chat")));
    expect(new Set(results.map((r) => r.headers["x-tollgate-plan"]))).toEqual(new Set([next.hash]));
  });

  it("drains the open streams of every worker on SIGTERM, then exits 0", async () => {
    const streams = Array.from({ length: 10 }, () => call(running.url, "trickle", true));
    await new Promise((r) => setTimeout(r, 300));
    const exit = running.stop();
    const done = await Promise.all(streams);
    for (const r of done) {
      expect(r.status).toBe(200);
      expect(r.text).toContain("data: [DONE]");
    }
    expect(await exit).toBe(0);
  });
});
