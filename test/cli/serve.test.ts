/**
 * The `tollgate serve` verb and `npm start`, run as real processes: the README's quick
 * start must work exactly as printed, plans are checked before serving, and SIGTERM
 * ends the process cleanly.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import OpenAI from "openai";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/repo-paths.js";
import { runCli, startServing } from "../support/spawn-cli.js";
import { LISTENERS } from "../support/listeners.js";

const tmp = mkdtempSync(join(tmpdir(), "tollgate-cli-"));

describe("tollgate serve", () => {
  it("serves a compiled plan, reports its hash in /readyz, and exits 0 on SIGTERM", async () => {
    const planFile = join(tmp, "plan.json");
    const compiled = await runCli(["compile", "policies/default.yaml", "-o", planFile]);
    expect(compiled.code).toBe(0);
    const hash = (JSON.parse(readFileSync(planFile, "utf8")) as { hash: string }).hash;
    for (const server of LISTENERS) {
      // Worker threads, one per CPU (the default): allow a loaded machine time to start them.
      const running = await startServing(["serve", "--plan", planFile, "--port", "0", "--server", server], { OPENAI_API_KEY: "" }, undefined, 50_000);
      const ready = await request(`${running.url}/readyz`);
      expect(((await ready.body.json()) as { plan: string }).plan).toBe(hash);
      expect(await running.stop()).toBe(0);
    }
  }, 120_000);

  it("refuses a plan edited after compilation, saying why, without a stack trace", async () => {
    const planFile = join(tmp, "tampered.json");
    await runCli(["compile", "policies/default.yaml", "-o", planFile]);
    writeFileSync(planFile, readFileSync(planFile, "utf8").replace('"maxJsonDepth": 64', '"maxJsonDepth": 65'));
    const out = await runCli(["serve", "--plan", planFile, "--port", "0"]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/hash mismatch.*recompile/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses to serve a policy with errors, printing its diagnostics", async () => {
    const out = await runCli(["serve", "--policy", "test/compiler/cases/unknown-provider", "--port", "0"]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/policy\.yaml:13:19: error TG2001/);
  });

  it("refuses a required provider whose secret is unset, naming the variable but no value", async () => {
    const dir = mkdtempSync(join(tmp, "secret-"));
    writeFileSync(
      join(dir, "gateway.yaml"),
      `apiVersion: tollgate/v1
providers:
  - { name: p, kind: openai-compatible, baseUrl: "http://127.0.0.1:9/v1", apiKeys: [env:TOLLGATE_TEST_UNSET_KEY] }
models:
  - { name: m, targets: [{ provider: p }] }
consumers:
  - { name: c, keys: [{ sha256: "${"a".repeat(64)}" }] }
`,
    );
    const out = await runCli(["serve", "--policy", dir, "--port", "0"], { TOLLGATE_TEST_UNSET_KEY: "" });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/TOLLGATE_TEST_UNSET_KEY is not set.*optional: true/);
  });

  it("answers usage errors with exit code 2", async () => {
    expect((await runCli(["serve", "--plan", "x.json", "--server", "nginx"])).code).toBe(2);
    expect((await runCli(["serve"])).code).toBe(2);
    expect((await runCli(["serve", "--plan", "x.json", "--port", "http"])).code).toBe(2);
    expect((await runCli(["no-such-verb"])).code).toBe(2);
  });
});

describe("npm start (the embedded default policy with the built-in mock)", () => {
  it("serves the README's curl request and openai snippet as printed", async () => {
    const running = await startServing([], { PORT: "0", OPENAI_API_KEY: "" }, resolve(REPO_ROOT, "dist/cli/start-default.js"));
    try {
      const res = await request(`${running.url}/v1/chat/completions`, {
        method: "POST",
        headers: { Authorization: "Bearer tg-demo-key", "Content-Type": "application/json" },
        body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}',
      });
      expect(res.statusCode).toBe(200);
      expect(((await res.body.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toMatch(/mock/);
      const client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: "tg-demo-key" });
      const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hello" }] });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toMatch(/mock/);
      const readme = readFileSync(resolve(REPO_ROOT, "README.md"), "utf8");
      expect(readme).toContain("npm ci && npm start");
      expect(readme).toContain(`-H "Authorization: Bearer tg-demo-key"`);
    } finally {
      expect(await running.stop()).toBe(0);
    }
  });
});
