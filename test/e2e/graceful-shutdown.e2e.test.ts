/**
 * SIGTERM during 100 open slow streams, on the built CLI (`node bin/tollgate.js serve`)
 * with both listeners: /readyz answers 503 at once while the listener keeps serving
 * through the grace, every stream completes with `[DONE]`, and the process exits 0.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { KEY_ALL, PROVIDER_KEY, PROVIDER_KEY_ENV } from "../support/e2e-policy.js";
import { opsPlan, planText, writeAtomically } from "../support/ops-policy.js";
import { startServing } from "../support/spawn-cli.js";
import { LISTENERS } from "../support/listeners.js";

const STREAMS = 100;

describe.each(LISTENERS)("graceful shutdown on SIGTERM (%s listener)", (server) => {
  let mock: MockUpstream;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    mock = await startMockUpstream({ port: 0, requireApiKey: PROVIDER_KEY });
    dir = mkdtempSync(join(tmpdir(), "tollgate-drain-"));
    file = join(dir, "plan.json");
    // `trickle` streams 40 tokens at 20/s: ~2 s, longer than the 500 ms grace.
    writeAtomically(file, planText(opsPlan(mock.port, "  shutdown: { grace: 500ms, deadline: 20s }\n")));
  });

  afterAll(async () => {
    await mock?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("finishes 100 in-flight streams, answers 503 on /readyz meanwhile, and exits 0", async () => {
    // The single-thread gateway (worker threads drain the same way: test/e2e/workers.e2e.test.ts).
    const gw = await startServing(["serve", "--plan", file, "--port", "0", "--server", server, "--workers", "1"], { [PROVIDER_KEY_ENV]: PROVIDER_KEY });
    const agent = new Agent({ connections: STREAMS + 10 });
    try {
      const streams = Array.from({ length: STREAMS }, () =>
        request(`${gw.url}/v1/chat/completions`, {
          method: "POST",
          dispatcher: agent,
          headers: { authorization: `Bearer ${KEY_ALL}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "trickle", stream: true, messages: [{ role: "user", content: "hi" }] }),
        }).then(async (res) => ({ status: res.statusCode, body: await res.body.text() })),
      );
      // Wait until every stream is open upstream, then stop the gateway.
      for (let t = 0; mock.requests.length < STREAMS && t < 200; t++) await sleep(10);
      expect(mock.requests.length).toBeGreaterThanOrEqual(STREAMS);
      const exited = new Promise<number | null>((done) => gw.child.once("exit", (code) => done(code)));
      gw.child.kill("SIGTERM");
      await sleep(100);
      // During the grace the listener still accepts, and readiness already says no.
      const ready = await request(`${gw.url}/readyz`, { headers: { connection: "close" } });
      expect(ready.statusCode).toBe(503);
      expect(await ready.body.json()).toMatchObject({ status: "draining" });
      const results = await Promise.all(streams);
      expect(results.filter((r) => r.status !== 200 || !r.body.trimEnd().endsWith("data: [DONE]"))).toEqual([]);
      expect(await exited).toBe(0);
    } finally {
      gw.child.kill("SIGKILL");
      await agent.close();
    }
  }, 30_000);
});
