// @ts-check
/**
 * Worker-thread scaling: requests/s of `tollgate serve --workers 1` and `--workers 2` on
 * this machine, through the mock upstream (non-streamed chat completions) and on a
 * gateway-only endpoint (GET /v1/models: authentication and a cached body, no upstream).
 * The two configurations alternate within each run (median of --runs), so a slow drift
 * of a shared machine hits both alike.
 *
 * On a 2-core machine nothing can be pinned apart: two workers need both cores, which
 * the mock and the load generator share with them. The chat ratio is therefore a floor
 * of the gateway's own scaling; the /v1/models ratio shows the gateway with no upstream work.
 *
 * Run alone with `node bench/workers.mjs [--seconds 5] [--runs 3] [--connections 64]` after
 * `npm run build`; `npm run bench` runs it too and prints its table.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chatBody } from "./lib/body.mjs";
import { Child, ensurePortFree, killChildrenOnExit, stopAll, waitForPort } from "./lib/children.mjs";
import { runLoad, writeBody } from "./lib/load.mjs";
import { AUTHORIZATION, BENCH_MODEL, PORTS } from "./lib/targets.mjs";

const GATEWAY_PORT = 19102;
const root = (/** @type {string} */ p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** @param {string[]} argv */
function options(argv) {
  const get = (/** @type {string} */ name, /** @type {number} */ fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  return { seconds: get("seconds", 5), runs: get("runs", 3), connections: get("connections", 64), warmup: get("warmup", 2) };
}

/** Unpinned children (the gateway needs every core), killed with the benchmark. @param {string} name @param {string[]} args */
function start(name, args) {
  const child = new Child(name, spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, OPENAI_API_KEY: "" } }));
  const kill = () => child.alive && child.proc.kill("SIGKILL");
  process.once("exit", kill);
  void child.exited.then(() => process.off("exit", kill));
  return child;
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Measures both configurations; resolves with the medians.
 * @param {{ seconds: number, runs: number, connections: number, warmup: number }} o
 * @param {(s: string) => void} log
 */
export async function measureWorkerScaling(o, log) {
  const tmp = mkdtempSync(join(tmpdir(), "tollgate-bench-workers-"));
  try {
    await ensurePortFree(PORTS.mock);
    await ensurePortFree(GATEWAY_PORT);
    const mock = start("mock", [root("bench/mock-server.mjs"), "--port", String(PORTS.mock), "--tokens", "20"]);
    await waitForPort(mock, PORTS.mock);
    const chat = writeBody(join(tmp, "chat.json"), chatBody({ model: BENCH_MODEL, stream: false }));
    /** @type {Record<string, { chat: number[], models: number[] }>} */
    const rps = { 1: { chat: [], models: [] }, 2: { chat: [], models: [] } };
    for (let run = 1; run <= o.runs; run++) {
      for (const workers of [1, 2]) {
        const gw = start(`tollgate×${workers}`, [
          root("dist/cli/main.js"),
          "serve",
          "--policy",
          root("bench/bench-policy.yaml"),
          "--port",
          String(GATEWAY_PORT),
          "--workers",
          String(workers),
        ]);
        try {
          await waitForPort(gw, GATEWAY_PORT, 60_000);
          const base = `http://127.0.0.1:${GATEWAY_PORT}`;
          const spec = { connections: o.connections, authorization: AUTHORIZATION, core: 0, bodyFile: chat };
          await runLoad({ ...spec, url: `${base}/v1/chat/completions`, seconds: o.warmup });
          const c = await runLoad({ ...spec, url: `${base}/v1/chat/completions`, seconds: o.seconds });
          const m = await runGet(`${base}/v1/models`, o, tmp);
          if (c.errors > 0 || m.errors > 0) throw new Error(`errors during the load: chat ${c.errors}, models ${m.errors}`);
          rps[workers]?.chat.push(c.rps);
          rps[workers]?.models.push(m.rps);
          log(`run ${run}/${o.runs} workers=${workers}: chat ${Math.round(c.rps)} req/s, /v1/models ${Math.round(m.rps)} req/s`);
        } finally {
          await gw.stop(15_000);
        }
      }
    }
    await mock.stop();
    const one = { chat: median(rps[1]?.chat ?? []), models: median(rps[1]?.models ?? []) };
    const two = { chat: median(rps[2]?.chat ?? []), models: median(rps[2]?.models ?? []) };
    return { one, two, ratio: { chat: two.chat / one.chat, models: two.models / one.models } };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** GET load through the same generator: an empty body file and the GET-capable path. */
async function runGet(/** @type {string} */ url, /** @type {{ seconds: number, connections: number }} */ o, /** @type {string} */ tmp) {
  const { runWrkGet } = await import("./lib/load-get.mjs");
  return runWrkGet({ url, seconds: o.seconds, connections: o.connections, authorization: AUTHORIZATION, tmp });
}

/** The Markdown table of a measurement. @param {Awaited<ReturnType<typeof measureWorkerScaling>>} r */
export function workerScalingTable(r) {
  const f = (/** @type {number} */ n) => Math.round(n).toLocaleString("en-US");
  return [
    "Worker threads (`serve --workers`), unpinned on this machine's cores, mock and load generator included:",
    "",
    "| scenario | 1 worker (req/s) | 2 workers (req/s) | ratio 2 / 1 |",
    "|---|---:|---:|---:|",
    `| chat completion through the mock | ${f(r.one.chat)} | ${f(r.two.chat)} | ${r.ratio.chat.toFixed(2)} |`,
    `| GET /v1/models (no upstream) | ${f(r.one.models)} | ${f(r.two.models)} | ${r.ratio.models.toFixed(2)} |`,
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  killChildrenOnExit();
  const log = (/** @type {string} */ s) => process.stderr.write(`bench workers: ${s}\n`);
  try {
    const r = await measureWorkerScaling(options(process.argv.slice(2)), log);
    process.stdout.write(`${workerScalingTable(r)}\n`);
  } catch (err) {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
}
