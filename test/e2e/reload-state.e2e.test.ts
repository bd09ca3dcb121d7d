/**
 * What a plan reload keeps, end to end on both listeners: an endpoint ejected by its
 * circuit breaker stays ejected across a reload that keeps it (and is tried afresh once
 * a reload points the provider somewhere else), and an API key taken out for a 401
 * stays out. Reloads go through the plan file, as in production.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import type { Plan } from "../../schemas/plan/plan.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { planText, writeAtomically } from "../support/ops-policy.js";
import { LISTENERS } from "../support/listeners.js";

const CLIENT_KEY = "sk-tg-reload-state";
const GOOD_KEY = "sk-upstream-good";
const REVOKED_KEY = "sk-upstream-revoked";

/** `extra` changes the plan's hash without touching the providers; `flakyPath` moves the flaky provider. */
function plan(port: number, opts: { extra?: boolean; flakyPath?: string } = {}): Plan {
  return compileYaml(`apiVersion: tollgate/v1
providers:
  - name: flaky
    kind: openai-compatible
    baseUrl: "http://127.0.0.1:${port}${opts.flakyPath ?? "/v1"}"
    apiKeys: [env:GOOD_KEY]
    health: { consecutiveFailures: 1, cooldown: 60s, maxCooldown: 5m }
  - name: keyed
    kind: openai-compatible
    baseUrl: "http://127.0.0.1:${port}/v1"
    apiKeys: [env:REVOKED_KEY, env:GOOD_KEY]
  - name: good
    kind: openai-compatible
    baseUrl: "http://127.0.0.1:${port}/v1"
    apiKeys: [env:GOOD_KEY]
models:
  - name: chat
    targets: [{ provider: flaky, model: "sick+status=503" }]
    fallbacks: [{ provider: good, model: healthy }]
  - name: keys
    targets: [{ provider: keyed, model: keyed-model }]
${opts.extra === true ? "  - { name: extra, targets: [{ provider: good, model: extra }] }\n" : ""}consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(CLIENT_KEY)} }] }
`);
}

describe.each(LISTENERS)("state kept across plan reloads (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway | null = null;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    setQuietLogs(true);
    // The mock answers 401 to any key but GOOD_KEY.
    mock = await startMockUpstream({ port: 0, requireApiKey: GOOD_KEY });
    dir = mkdtempSync(join(tmpdir(), "tollgate-reload-state-"));
    file = join(dir, "plan.json");
  });
  afterEach(async () => {
    await gw?.close();
    gw = null;
  });
  afterAll(async () => {
    await mock?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(first: Plan): Promise<Gateway> {
    writeAtomically(file, planText(first));
    gw = await startGateway({ plan: first, planFile: file, port: 0, server, env: { GOOD_KEY, REVOKED_KEY } });
    return gw;
  }

  async function reload(g: Gateway, next: Plan): Promise<void> {
    writeAtomically(file, planText(next));
    const result = await g.reload("test");
    expect(result).toMatchObject({ ok: true, changed: true, hash: next.hash });
  }

  async function chat(g: Gateway, model: string): Promise<number> {
    const res = await request(`${g.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${CLIENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    await res.body.text();
    return res.statusCode;
  }

  const sent = (model: string): number => mock.requests.filter((r) => r.body.includes(`"model":"${model}"`)).length;
  const sentWith = (key: string): number => mock.requests.filter((r) => r.headers.authorization === `Bearer ${key}`).length;

  it("an ejected endpoint stays ejected after a reload that keeps it, and is tried again once the provider points elsewhere", async () => {
    const g = await start(plan(mock.port));
    const sick = sent("sick+status=503");
    // The first request fails over and opens the breaker; the second skips the ejected endpoint.
    expect(await chat(g, "chat")).toBe(200);
    expect(sent("sick+status=503")).toBe(sick + 1);
    expect(await chat(g, "chat")).toBe(200);
    expect(sent("sick+status=503")).toBe(sick + 1);
    await reload(g, plan(mock.port, { extra: true }));
    expect(await chat(g, "chat")).toBe(200);
    expect(sent("sick+status=503")).toBe(sick + 1);
    // Another base path is another endpoint: nothing is known of it yet.
    await reload(g, plan(mock.port, { extra: true, flakyPath: "/openai/v1" }));
    expect(await chat(g, "chat")).toBe(200);
    expect(sent("sick+status=503")).toBe(sick + 2);
  });

  it("an API key taken out for a 401 stays out after a reload", async () => {
    const g = await start(plan(mock.port));
    const revoked = sentWith(REVOKED_KEY);
    // Smooth weighted round-robin over two equal keys: within two requests the revoked one is tried once, then set aside.
    for (let i = 0; i < 4; i++) expect(await chat(g, "keys")).toBe(200);
    expect(sentWith(REVOKED_KEY)).toBe(revoked + 1);
    await reload(g, plan(mock.port, { extra: true }));
    for (let i = 0; i < 4; i++) expect(await chat(g, "keys")).toBe(200);
    expect(sentWith(REVOKED_KEY)).toBe(revoked + 1);
  });
});
