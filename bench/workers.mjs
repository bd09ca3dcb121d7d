// @ts-check
/**
 * Worker-thread scaling: requests/s and CPU per request of `tollgate serve --workers 1` and `--workers 2` on
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
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chatBody } from "./lib/body.mjs";
import { ensurePortFree, killChildrenOnExit, startNodeUnpinned, stopAll, waitForPort } from "./lib/children.mjs";
import { runLoad, writeBody } from "./lib/load.mjs";
import { CpuWindow } from "./lib/cpu.mjs";
import { AUTHORIZATION, BENCH_MODEL, PORTS, fullPolicy } from "./lib/targets.mjs";

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

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Measures both configurations, for the core gateway (bench-policy.yaml) and the full
 * product (bench-full-policy.yaml: its three local quotas are shared between workers
 * through shared memory); resolves with the medians. CPU per request is the gateway
 * process's user + system time over the requests it served. On 2 cores it mixes the cost of
 * the shared state with that of the cores the second worker shares with the mock and wrk
 * (context switches, smaller batches per event-loop turn); bench/shared-state.mjs measures
 * the shared state alone.
 * @param {{ seconds: number, runs: number, connections: number, warmup: number }} o
 * @param {(s: string) => void} log
 */
export async function measureWorkerScaling(o, log) {
  const tmp = mkdtempSync(join(tmpdir(), "tollgate-bench-workers-"));
  try {
    await ensurePortFree(PORTS.mock);
    await ensurePortFree(GATEWAY_PORT);
    const mock = startNodeUnpinned("mock", [root("bench/mock-server.mjs"), "--port", String(PORTS.mock), "--tokens", "20"]);
    await waitForPort(mock, PORTS.mock);
    const chat = writeBody(join(tmp, "chat.json"), chatBody({ model: BENCH_MODEL, stream: false }));
    const policies = { core: root("bench/bench-policy.yaml"), full: fullPolicy(tmp) };
    /** @type {Record<string, { chat: number[], cpu: number[], fullChat: number[], fullCpu: number[], models: number[] }>} */
    const m = { 1: { chat: [], cpu: [], fullChat: [], fullCpu: [], models: [] }, 2: { chat: [], cpu: [], fullChat: [], fullCpu: [], models: [] } };
    for (let run = 1; run <= o.runs; run++) {
      for (const [kind, policy] of Object.entries(policies)) {
        for (const workers of [1, 2]) {
          const gw = startNodeUnpinned(`tollgate×${workers}`, [
            root("dist/cli/main.js"),
            "serve",
            "--policy",
            policy,
            "--port",
            String(GATEWAY_PORT),
            "--workers",
            String(workers),
          ]);
          const cell = /** @type {NonNullable<typeof m[1]>} */ (m[workers]);
          try {
            await waitForPort(gw, GATEWAY_PORT, 60_000);
            const base = `http://127.0.0.1:${GATEWAY_PORT}`;
            const spec = { connections: o.connections, authorization: AUTHORIZATION, core: 0, bodyFile: chat };
            await runLoad({ ...spec, url: `${base}/v1/chat/completions`, seconds: o.warmup });
            const window = new CpuWindow([mock.proc.pid ?? 0], gw.proc.pid);
            const c = await runLoad({ ...spec, url: `${base}/v1/chat/completions`, seconds: o.seconds });
            const cpuUs = window.serverCpuUs() / c.requests;
            if (c.errors > 0) throw new Error(`errors during the load: chat ${c.errors}`);
            if (kind === "core") {
              const g = await runGet(`${base}/v1/models`, o, tmp);
              if (g.errors > 0) throw new Error(`errors during the load: models ${g.errors}`);
              cell.chat.push(c.rps);
              cell.cpu.push(cpuUs);
              cell.models.push(g.rps);
              log(`run ${run}/${o.runs} core workers=${workers}: chat ${Math.round(c.rps)} req/s, ${Math.round(cpuUs)} µs CPU/req, /v1/models ${Math.round(g.rps)} req/s`);
            } else {
              cell.fullChat.push(c.rps);
              cell.fullCpu.push(cpuUs);
              log(`run ${run}/${o.runs} full workers=${workers}: chat ${Math.round(c.rps)} req/s, ${Math.round(cpuUs)} µs CPU/req`);
            }
          } finally {
            await gw.stop(15_000);
          }
        }
      }
    }
    await mock.stop();
    const medians = (/** @type {NonNullable<typeof m[1]>} */ x) => ({
      chat: median(x.chat),
      cpu: median(x.cpu),
      fullChat: median(x.fullChat),
      fullCpu: median(x.fullCpu),
      models: median(x.models),
    });
    const one = medians(/** @type {NonNullable<typeof m[1]>} */ (m[1]));
    const two = medians(/** @type {NonNullable<typeof m[1]>} */ (m[2]));
    return {
      one,
      two,
      ratio: { chat: two.chat / one.chat, cpu: two.cpu / one.cpu, fullChat: two.fullChat / one.fullChat, fullCpu: two.fullCpu / one.fullCpu, models: two.models / one.models },
    };
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
    "Worker threads (`serve --workers`), unpinned on this machine's cores, mock and load generator included (CPU per request: the gateway process's user + system time / requests served; goal: 2 workers ≤ 1.1× the CPU per request of 1):",
    "",
    "| scenario | 1 worker | 2 workers | ratio 2 / 1 |",
    "|---|---:|---:|---:|",
    `| chat through the mock, core gateway: req/s | ${f(r.one.chat)} | ${f(r.two.chat)} | ${r.ratio.chat.toFixed(2)} |`,
    `| chat through the mock, core gateway: CPU µs per request | ${f(r.one.cpu)} | ${f(r.two.cpu)} | ${r.ratio.cpu.toFixed(2)} ${r.ratio.cpu <= 1.1 ? "✓" : "✗"} |`,
    `| chat through the mock, full product (local quotas shared by the workers): req/s | ${f(r.one.fullChat)} | ${f(r.two.fullChat)} | ${r.ratio.fullChat.toFixed(2)} |`,
    `| chat through the mock, full product: CPU µs per request | ${f(r.one.fullCpu)} | ${f(r.two.fullCpu)} | ${r.ratio.fullCpu.toFixed(2)} ${r.ratio.fullCpu <= 1.1 ? "✓" : "✗"} |`,
    `| GET /v1/models (no upstream): req/s | ${f(r.one.models)} | ${f(r.two.models)} | ${r.ratio.models.toFixed(2)} |`,
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
