/**
 * Durable usage, end to end, with real servers: two gateway processes write one row
 * per settled request to PostgreSQL and add it to the fleet ledger in Redis (AOF on,
 * as a ledger's Redis should run). Through a mixed stream/non-stream load with a
 * PostgreSQL crash, a Redis crash and a gateway restart in the middle, the rows, the
 * ledger, `tollgate usage` (both sources) and `/admin/usage` agree to the cent, and
 * the count of settled requests equals the count of stored rows. While PostgreSQL is
 * down records go to the on-disk spool and are replayed; a spool that is full keeps
 * records in memory and says so on /readyz, and still loses none.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import type { UsageReport } from "../../runtime/ops/usage-report.js";
import { PostgresUsage } from "../../runtime/state/postgres-usage.js";
import { compileYaml } from "../support/compile.js";
import { ADMIN_TOKEN, ADMIN_TOKEN_ENV, KEY_A, KEY_B, quotaPolicy } from "../support/quota-policy.js";
import { startRedis, type TestRedis } from "../support/redis-server.js";
import { startPostgres, type TestPostgres } from "../support/postgres-server.js";
import { runCli, startServing, type Running } from "../support/spawn-cli.js";

const agent = new Agent({ connections: 64, pipelining: 0 });
const tmp = mkdtempSync(join(tmpdir(), "tollgate-usage-"));
let mock: MockUpstream;
let redis: TestRedis;
let pg: TestPostgres;
const running: Running[] = [];

beforeAll(async () => {
  mock = await startMockUpstream({ port: 0 });
  redis = await startRedis(["--appendonly", "yes", "--appendfsync", "always", "--dir", mkdtempSync(join(tmp, "redis-"))]);
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(running.filter((r) => r.child.exitCode === null && r.child.signalCode === null).map((r) => r.stop()));
  await mock?.close();
  await redis?.stop();
  await pg?.stop();
  await agent.close();
});

const env = (): NodeJS.ProcessEnv => ({ [ADMIN_TOKEN_ENV]: ADMIN_TOKEN, TOLLGATE_TEST_REDIS_URL: redis.url, TOLLGATE_TEST_PG_URL: pg.url });

function plan(name: string, table: string, extra = ""): string {
  const stores = `stores:
  local: { dir: ${join(tmp, `state-${name}`)} }
  redis: { url: env:TOLLGATE_TEST_REDIS_URL, prefix: ${table} }
  postgres: { url: env:TOLLGATE_TEST_PG_URL, table: ${table}, flush: 200ms${extra} }`;
  const quotas = `  - { name: roomy, limit: 100000000, per: day, scope: team }`;
  const file = join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(compileYaml(quotaPolicy(mock.port, quotas, { stores }))));
  return file;
}

function adminUrlOf(r: Running): string {
  const m = /admin listener on (http:\/\/[^\s]+)/.exec(r.stderr());
  if (m === null) throw new Error(`no admin URL in:\n${r.stderr()}`);
  return m[1]!;
}

async function serve(file: string): Promise<{ gw: Running; admin: string }> {
  const gw = await startServing(["serve", "--plan", file, "--port", "0", "--admin-port", "0", "--workers", "1"], env(), undefined, 60_000);
  running.push(gw);
  return { gw, admin: adminUrlOf(gw) };
}

async function chat(url: string, i: number): Promise<number> {
  const stream = i % 2 === 1;
  const res = await request(`${url}/v1/chat/completions`, {
    method: "POST",
    dispatcher: agent,
    headers: { authorization: `Bearer ${i % 3 === 0 ? KEY_B : KEY_A}`, "content-type": "application/json" },
    body: JSON.stringify({ model: i % 4 < 2 ? "pricey" : "cheap", max_tokens: 30, stream, messages: [{ role: "user", content: `Request ${i}: hello there` }] }),
  });
  await res.body.text();
  return res.statusCode;
}

/** `n` requests, `width` at a time, spread over `urls`. */
async function load(urls: () => string[], n: number, width = 8, from = 0): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < n; i = next++) statuses.push(await chat(urls()[i % urls().length]!, from + i));
    }),
  );
  return statuses;
}

async function report(admin: string): Promise<UsageReport> {
  const res = await request(`${admin}/admin/usage`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return (await res.body.json()) as UsageReport;
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface CliUsage {
  groups: { group: Record<string, string | null>; figures: { requests: number; costUsd: number; inputTokens: number; outputTokens: number } }[];
  forecasts?: { group: Record<string, string | null>; projectedUsd: number; lowUsd: number; highUsd: number }[];
}

async function cliUsage(file: string, source: string, by = "team"): Promise<CliUsage> {
  const r = await runCli(["usage", "--plan", file, "--source", source, "--by", by, "--since", "1d", "--format", "json"], env());
  if (r.code !== 0) throw new Error(`tollgate usage failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as CliUsage;
}

const sum = (u: CliUsage, f: "requests" | "costUsd" | "inputTokens" | "outputTokens"): number => u.groups.reduce((n, g) => n + g.figures[f], 0);

describe("usage records in PostgreSQL and the fleet ledger in Redis", () => {
  it("agree to the cent with tollgate usage after a mixed load with PostgreSQL, Redis and a gateway restarted in the middle", async () => {
    const fileA = plan("a", "usage_mixed");
    const fileB = plan("b", "usage_mixed");
    let a = await serve(fileA);
    const b = await serve(fileB);
    const urls = (): string[] => [a.gw.url, b.gw.url];
    const t0 = performance.now();
    const statuses: number[] = [];
    statuses.push(...(await load(urls, 60)));
    // PostgreSQL crashes (immediate shutdown) and Redis is killed, both mid-load; each comes back.
    const mid = load(urls, 80, 8, 60);
    await new Promise((r) => setTimeout(r, 150));
    await pg.restart("SIGQUIT");
    await redis.restart();
    statuses.push(...(await mid));
    // A gateway is redeployed (graceful stop: what it holds is flushed or spooled, then replayed by its successor).
    await a.gw.stop();
    a = await serve(fileA);
    statuses.push(...(await load(urls, 60, 8, 140)));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const settled = statuses.length;

    const db = new PostgresUsage({ url: pg.url, table: "usage_mixed", timeoutMs: 5000 });
    try {
      await until("every settled request stored in PostgreSQL", async () => (await db.count()) === settled, 60_000).catch(async (err: Error) => {
        const sinks = [(await report(a.admin)).sinks, (await report(b.admin)).sinks];
        throw new Error(`${err.message}: ${await db.count()} of ${settled}; sinks ${JSON.stringify(sinks)}; stderr A ${a.gw.stderr().slice(-2000)}`);
      });
      const stored = performance.now() - t0;
      await until("the fleet ledger to count every request", async () => sum(await cliUsage(fileA, "redis"), "requests") === settled, 30_000);
      const fromPg = await cliUsage(fileA, "postgres");
      const fromRedis = await cliUsage(fileB, "redis");
      const fleet = (await report(b.admin)).fleet!;
      const fleetCost = fleet.month.reduce((n, g) => n + g.figures.costUsd, 0);
      const fleetRequests = fleet.month.reduce((n, g) => n + g.figures.requests, 0);
      console.log(
        `${settled} settled requests (half streamed) over 2 gateways with PostgreSQL, Redis and one gateway restarted: PostgreSQL ${sum(fromPg, "requests")} rows $${sum(fromPg, "costUsd").toFixed(6)}, ledger ${sum(fromRedis, "requests")} $${sum(fromRedis, "costUsd").toFixed(6)}, /admin/usage ${fleetRequests} $${fleetCost.toFixed(6)}; all stored ${(stored / 1000).toFixed(1)} s after the load began`,
      );
      expect(sum(fromPg, "requests")).toBe(settled);
      expect(sum(fromRedis, "requests")).toBe(settled);
      expect(fleetRequests).toBe(settled);
      expect(Math.abs(sum(fromPg, "costUsd") - sum(fromRedis, "costUsd"))).toBeLessThan(0.005);
      expect(Math.abs(fleetCost - sum(fromRedis, "costUsd"))).toBeLessThan(0.005);
      expect(sum(fromPg, "inputTokens")).toBe(sum(fromRedis, "inputTokens"));
      expect(sum(fromPg, "outputTokens")).toBe(sum(fromRedis, "outputTokens"));
      // Per team as well, and the table and CSV forms name the same teams.
      for (const g of fromPg.groups) {
        const other = fromRedis.groups.find((x) => x.group.team === g.group.team)!;
        expect(other.figures.requests).toBe(g.figures.requests);
        expect(Math.abs(other.figures.costUsd - g.figures.costUsd)).toBeLessThan(0.005);
      }
      expect(fromRedis.forecasts!.length).toBeGreaterThan(0);
      const csv = await runCli(["usage", "--plan", fileA, "--by", "team,model", "--format", "csv"], env());
      expect(csv.stdout.split("\n")[0]).toBe("team,model,requests,input_tokens,output_tokens,cost_usd,estimated");
      const table = await runCli(["usage", "--plan", fileA, "--by", "team"], env());
      expect(table.stdout).toContain("team-a");
      expect(table.stdout).toContain("month-end forecast");
    } finally {
      await db.close();
    }
  }, 240_000);

  it("spools records while PostgreSQL is down and replays them all when it is back", async () => {
    const file = plan("spool", "usage_spool");
    const { gw, admin } = await serve(file);
    const db = new PostgresUsage({ url: pg.url, table: "usage_spool", timeoutMs: 5000 });
    try {
      expect(await load(() => [gw.url], 10)).toEqual(Array(10).fill(200));
      await until("the first rows", async () => (await db.count()) === 10);
      await pg.stop();
      const down = await load(() => [gw.url], 300, 16, 10);
      expect(down.filter((s) => s !== 200)).toEqual([]);
      await until("the spool to hold the records", async () => {
        const sink = (await report(admin)).sinks.find((s) => s.name === "postgres")!;
        return sink.spooled >= 300 && sink.spoolBytes > 0;
      });
      const ready = await request(`${gw.url}/readyz`);
      expect(ready.statusCode).toBe(200);
      await ready.body.text();
      const t0 = performance.now();
      await pg.restart();
      await until("every spooled record replayed", async () => (await db.count().catch(() => 0)) === 310, 60_000);
      const ms = performance.now() - t0;
      const sink = (await report(admin)).sinks.find((s) => s.name === "postgres")!;
      console.log(
        `spool: ${sink.spooled} records spooled while PostgreSQL was down, ${sink.replayed} replayed, ${await db.count()} stored of 310 settled; replayed within ${Math.round(ms)} ms of the restart (incl. PostgreSQL's start)`,
      );
      expect(sink.replayed).toBe(sink.spooled);
      expect(sink.dropped).toBe(0);
    } finally {
      await db.close();
    }
  }, 180_000);

  it("keeps records in memory when the spool is full, says so on /readyz, and still stores every one", async () => {
    const file = plan("full", "usage_full", ", spool: { maxSize: 2KiB }");
    const { gw, admin } = await serve(file);
    const db = new PostgresUsage({ url: pg.url, table: "usage_full", timeoutMs: 5000 });
    try {
      expect(await load(() => [gw.url], 2)).toEqual([200, 200]);
      await until("the first rows", async () => (await db.count()) === 2);
      await pg.stop();
      expect(await load(() => [gw.url], 40, 4, 2)).toEqual(Array(40).fill(200));
      await until("records held in memory", async () => {
        const res = await request(`${gw.url}/readyz`);
        const body = (await res.body.json()) as { reason?: string };
        return res.statusCode === 503 && /usage store postgres is down .* records held in memory/.test(body.reason ?? "");
      });
      await pg.restart();
      await until("every record stored", async () => (await db.count().catch(() => 0)) === 42, 60_000);
      await until("ready again", async () => {
        const res = await request(`${gw.url}/readyz`);
        await res.body.text();
        return res.statusCode === 200;
      });
      const sink = (await report(admin)).sinks.find((s) => s.name === "postgres")!;
      expect(sink.dropped).toBe(0);
    } finally {
      await db.close();
    }
  }, 120_000);
});
