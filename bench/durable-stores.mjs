// @ts-check
/**
 * The durable stores, measured on the built runtime (dist/): quota admission on a
 * single redis-server and on a real 3-node Redis Cluster (3 counters per request, as
 * bench/quotas.mjs: team tokens/day, team USD/month, a per-key bucket), sequential and
 * 32 in flight; settlement throughput of usage rows into PostgreSQL (batched INSERTs
 * of 500); and the spool's replay (records appended while the database is "down",
 * then replayed into it). Run `node bench/durable-stores.mjs` after `npm run build`;
 * it needs Debian's redis-server, redis-tools and postgresql.
 */
import { spawn, spawnSync } from "node:child_process";
import { chownSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { SharedRedis } from "../dist/runtime/state/shared-redis.js";
import { RedisCounterStore } from "../dist/runtime/state/counters/redis-store.js";
import { PostgresUsage } from "../dist/runtime/state/postgres-usage.js";
import { Spool } from "../dist/runtime/state/spool.js";

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => (typeof a === "object" && a !== null ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

/** @type {import("node:child_process").ChildProcess[]} */
const children = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

/** @param {string} cmd @param {string[]} args @param {string} ready @param {object} [opts] */
function launch(cmd, args, ready, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
    children.push(child);
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ${out}`)), 30_000);
    const on = (/** @type {Buffer} */ d) => {
      out += d;
      if (out.includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on("data", on);
    child.stderr?.on("data", on);
  });
}

const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-stores-"));
const base = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];

async function startCluster() {
  const ports = [await freePort(), await freePort(), await freePort()];
  for (const p of ports)
    await launch("redis-server", ["--port", String(p), ...base, "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${p}.conf`], "Ready to accept connections", {
      cwd: dir,
    });
  spawnSync("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8" });
  for (;;) {
    if (ports.every((p) => spawnSync("redis-cli", ["-p", String(p), "cluster", "info"], { encoding: "utf8" }).stdout.includes("cluster_state:ok"))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`;
}

/** @param {number} now @param {number} i */
function specs(now, i) {
  const day = Math.floor(now / 86_400_000) * 86_400_000;
  const month = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  return [
    { key: `day-tokens|t${i % 4}`, bucket: false, capacity: 1e12, window: day, windowEnd: day + 86_400_000, ratePerMs: 0, amount: 130 },
    { key: `month-usd|t${i % 4}`, bucket: false, capacity: 1e9, window: month, windowEnd: month + 31 * 86_400_000, ratePerMs: 0, amount: 0.0013 },
    { key: `key-rate|k${i % 16}`, bucket: true, capacity: 1e9, window: 0, windowEnd: 60_000, ratePerMs: 1e9 / 60_000, amount: 1 },
  ];
}

/** @param {string} label @param {string} url */
async function admissions(label, url) {
  const redis = new SharedRedis({ url, prefix: "bench", timeoutMs: 5000, pool: 2, label });
  await redis.connect();
  const store = new RedisCounterStore(redis);
  for (let i = 0; i < 500; i++) await store.admit(Date.now(), specs(Date.now(), i));
  const n = 3000;
  let t = performance.now();
  for (let i = 0; i < n; i++) await store.admit(Date.now(), specs(Date.now(), i));
  const seq = ((performance.now() - t) * 1000) / n;
  t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < n * 4; i = next++) await store.admit(Date.now(), specs(Date.now(), i));
    }),
  );
  const par = ((performance.now() - t) * 1000) / (n * 4);
  await redis.close();
  return `${label}: admission (3 counters) ${seq.toFixed(0)} µs sequential, ${par.toFixed(1)} µs per request with 32 in flight`;
}

/** @param {number} i @returns {import("../dist/runtime/base/usage-record.js").UsageRecord} */
function record(i) {
  return {
    requestId: `bench-${Date.now()}-${i}`,
    time: Date.now(),
    endpoint: "chat_completions",
    consumer: `c${i % 20}`,
    team: `t${i % 4}`,
    keyName: "bench",
    tags: { project: `p${i % 3}` },
    route: "m",
    model: "m",
    provider: "up",
    target: "m",
    attempts: 1,
    inputTokens: 100,
    cachedInputTokens: 0,
    outputTokens: 30,
    reasoningTokens: 0,
    audioSeconds: 0,
    characters: 0,
    costUsd: 0.00055,
    latencyMs: 120,
    status: 200,
    outcome: "complete",
    estimated: false,
    stream: i % 2 === 1,
    cache: null,
    plan: "sha256:bench",
  };
}

async function postgres() {
  const bin = spawnSync("sh", ["-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1"], { encoding: "utf8" }).stdout.trim();
  const asRoot = process.getuid?.() === 0;
  const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout);
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout);
  const ids = asRoot ? { uid, gid } : {};
  const pgdir = mkdtempSync(join(tmpdir(), "tollgate-bench-pg-"));
  if (asRoot) chownSync(pgdir, uid, gid);
  spawnSync(join(bin, "initdb"), ["-D", join(pgdir, "data"), "-U", "tollgate", "--auth=trust", "--no-sync"], { ...ids });
  const port = await freePort();
  await launch(join(bin, "postgres"), ["-D", join(pgdir, "data"), "-p", String(port), "-k", pgdir, "-c", "listen_addresses=127.0.0.1"], "ready to accept connections", ids);
  const pg = new PostgresUsage({ url: `postgres://tollgate@127.0.0.1:${port}/postgres`, table: "bench_usage", timeoutMs: 10_000 });
  await pg.migrate();
  const n = 20_000;
  let t = performance.now();
  for (let i = 0; i < n; i += 500) await pg.insert(Array.from({ length: 500 }, (_, j) => record(i + j)));
  const rate = n / ((performance.now() - t) / 1000);
  const spool = new Spool(join(dir, "spool"), 1e9);
  const offline = Array.from({ length: n }, (_, i) => record(n + i));
  for (let i = 0; i < n; i += 500) await spool.append(offline.slice(i, i + 500));
  t = performance.now();
  let replayed = 0;
  for (let k; (k = await spool.replayOne((b) => pg.insert(b), 500)) > 0;) replayed += k;
  const replay = replayed / ((performance.now() - t) / 1000);
  const stored = await pg.count();
  await pg.close();
  return [
    `PostgreSQL: ${Math.round(rate)} usage rows/s (batches of 500, one connection, synchronous commit on)`,
    `spool: ${replayed} records replayed in ${Math.round((n / replay) * 1000)} ms (${Math.round(replay)}/s); ${stored} rows stored of ${2 * n} settled`,
  ];
}

const standalonePort = await freePort();
await launch("redis-server", ["--port", String(standalonePort), ...base], "Ready to accept connections");
const lines = [];
lines.push(await admissions("redis-server", `redis://127.0.0.1:${standalonePort}`));
lines.push(await admissions("3-node Redis Cluster", await startCluster()));
lines.push(...(await postgres()));
const load = ((await import("node:os")).loadavg()[0] ?? 0).toFixed(1);
for (const l of lines) console.log(`${l}  [load ${load}]`);
process.exit(0);
