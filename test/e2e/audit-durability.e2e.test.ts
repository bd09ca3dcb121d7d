/**
 * The audit log as evidence: a line reaches the file within the flush interval
 * (1 s by default) even on a quiet gateway, so a kill -9 after it loses nothing;
 * every line chains the hash of the one before, and `tollgate audit verify` exits 1
 * naming the first line that was changed or whose predecessor was removed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { compileYaml } from "../support/compile.js";
import { KEY_A, quotaPolicy } from "../support/quota-policy.js";
import { runCli, startServing } from "../support/spawn-cli.js";

let mock: MockUpstream;
const tmp = mkdtempSync(join(tmpdir(), "tollgate-audit-"));
beforeAll(async () => {
  mock = await startMockUpstream({ port: 0 });
});
afterAll(async () => {
  await mock?.close();
});

async function chat(url: string, stream: boolean): Promise<void> {
  const res = await request(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY_A}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "cheap", stream, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.body.text();
}

describe("audit log durability and tamper evidence", () => {
  it("has every line on disk within the flush interval (kill -9 after it loses none), and verify names the first broken line", async () => {
    const file = join(tmp, "audit.jsonl");
    const policy = quotaPolicy(mock.port, `  - { name: q, limit: 1000000, per: day }`, { admin: false }).replace(
      "listener:\n",
      `listener:\n  audit: { sink: file, path: ${file} }\n`,
    );
    const planFile = join(tmp, "plan.json");
    writeFileSync(planFile, JSON.stringify(compileYaml(policy)));
    const gw = await startServing(["serve", "--plan", planFile, "--port", "0", "--workers", "1"], {}, undefined, 60_000);
    for (let i = 0; i < 6; i++) await chat(gw.url, i % 2 === 0);
    // A quiet gateway: nothing more happens; the flush timer (1 s) writes the lines.
    await new Promise((r) => setTimeout(r, 1_600));
    await new Promise<void>((resolve) => {
      gw.child.once("exit", () => resolve());
      gw.child.kill("SIGKILL");
    });
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines).toHaveLength(6);
    const first = JSON.parse(lines[0]!) as { chain: string; prev: string | null; hash: string; key: string; tags: object };
    expect(first.prev).toBeNull();
    expect(first.key).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect((JSON.parse(lines[1]!) as { prev: string }).prev).toBe(first.hash);

    const ok = await runCli(["audit", "verify", file]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("intact, 6 lines in 1 chain");

    const changed = join(tmp, "changed.jsonl");
    writeFileSync(changed, lines.map((l, i) => (i === 3 ? l.replace('"status":200', '"status":201') : l)).join("\n") + "\n");
    const c = await runCli(["audit", "verify", changed]);
    expect(c.code).toBe(1);
    expect(c.stdout).toContain(`${changed}:4: broken: its hash does not match its content`);

    const removed = join(tmp, "removed.jsonl");
    writeFileSync(removed, lines.filter((_, i) => i !== 2).join("\n") + "\n");
    const r = await runCli(["audit", "verify", removed]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${removed}:3: broken: its previous-line hash does not match`);
  }, 90_000);
});
