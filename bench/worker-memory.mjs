// @ts-check
/**
 * Memory per worker thread: the resident set (VmRSS) of `tollgate serve --workers N` for
 * N = 1, 2, 4, serving a compiled plan as production does (`--plan`: no compiler in the
 * process), idle (after start and a moment to settle) and right after a load of
 * non-streamed and streamed chat completions through the mock. `--workers 1` is the
 * single-thread gateway (no worker threads); with N > 1 a main thread (plan, admin,
 * reloads) runs beside N serving workers, so the cost of one more worker is the slope
 * between the N > 1 rows. These figures size the Kubernetes memory limit
 * (examples/kubernetes/deployment.yaml).
 *
 * Run alone with `node bench/worker-memory.mjs [--seconds 5] [--connections 64]
 * [--server auto|uws|node] [--cli dist/cli/main.js] [--node-flags "--max-semi-space-size=1"]`
 * after `npm run build`; `--cli` points at another build of the CLI, e.g. the runtime-only
 * layout of scripts/runtime-image.mjs; `--node-flags` starts node with the flags the
 * container image uses (Dockerfile's ENTRYPOINT).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chatBody } from "./lib/body.mjs";
import { Child, ensurePortFree, killChildrenOnExit, rssKb, stopAll, waitForPort } from "./lib/children.mjs";
import { runLoad, writeBody } from "./lib/load.mjs";
import { AUTHORIZATION, BENCH_MODEL, PORTS } from "./lib/targets.mjs";

const GATEWAY_PORT = 19103;
const WORKER_COUNTS = [1, 2, 4];
const root = (/** @type {string} */ p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** @param {string[]} argv */
function options(argv) {
  const get = (/** @type {string} */ name, /** @type {string} */ fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  return {
    seconds: Number(get("seconds", "5")),
    connections: Number(get("connections", "64")),
    server: get("server", "auto"),
    cli: resolve(get("cli", root("dist/cli/main.js"))),
    nodeFlags: get("node-flags", "")
      .split(" ")
      .filter((f) => f !== ""),
  };
}

/** @param {string} name @param {string[]} args */
function start(name, args) {
  return new Child(name, spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, OPENAI_API_KEY: "" } }));
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {ReturnType<typeof options>} o
 * @param {(s: string) => void} log
 */
export async function measureWorkerMemory(o, log) {
  const tmp = mkdtempSync(join(tmpdir(), "tollgate-bench-memory-"));
  /** @type {{ workers: number, idleMb: number, loadedMb: number }[]} */
  const rows = [];
  try {
    await ensurePortFree(PORTS.mock);
    await ensurePortFree(GATEWAY_PORT);
    const mock = start("mock", [root("bench/mock-server.mjs"), "--port", String(PORTS.mock), "--tokens", "20"]);
    await waitForPort(mock, PORTS.mock);
    const plan = join(tmp, "plan.json");
    execFileSync(process.execPath, [root("dist/cli/main.js"), "compile", root("bench/bench-policy.yaml"), "-o", plan], { stdio: "ignore" });
    const bodies = [false, true].map((stream) => writeBody(join(tmp, `chat-${stream}.json`), chatBody({ model: BENCH_MODEL, stream })));
    for (const workers of WORKER_COUNTS) {
      const args = [...o.nodeFlags, o.cli, "serve", "--plan", plan, "--port", String(GATEWAY_PORT), "--workers", String(workers), "--server", o.server];
      const gw = start(`tollgate×${workers}`, args);
      try {
        await waitForPort(gw, GATEWAY_PORT, 60_000);
        await sleep(2000);
        const idle = rssKb(gw.proc.pid ?? 0);
        const url = `http://127.0.0.1:${GATEWAY_PORT}/v1/chat/completions`;
        for (const bodyFile of bodies) {
          const r = await runLoad({ url, connections: o.connections, seconds: o.seconds, bodyFile, authorization: AUTHORIZATION, core: 0 });
          if (r.errors > 0) throw new Error(`${r.errors} errors during the load with --workers ${workers}`);
        }
        await sleep(1000);
        const loaded = rssKb(gw.proc.pid ?? 0);
        rows.push({ workers, idleMb: idle / 1024, loadedMb: loaded / 1024 });
        log(`--workers ${workers}: ${(idle / 1024).toFixed(1)} MiB idle, ${(loaded / 1024).toFixed(1)} MiB after load`);
      } finally {
        await gw.stop(15_000);
      }
    }
    await mock.stop();
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The cost of each worker beyond the first N > 1 row: the slope between the N > 1 rows (NaN with fewer than two).
 * @param {Awaited<ReturnType<typeof measureWorkerMemory>>} rows @param {"idleMb" | "loadedMb"} key
 */
function perWorkerMb(rows, key) {
  const multi = rows.filter((r) => r.workers > 1);
  const first = multi[0];
  const last = multi[multi.length - 1];
  return first && last && last.workers > first.workers ? (last[key] - first[key]) / (last.workers - first.workers) : NaN;
}

/** The Markdown table, with the cost of each worker beyond the first N > 1 row. @param {Awaited<ReturnType<typeof measureWorkerMemory>>} rows */
export function workerMemoryTable(rows) {
  const f = (/** @type {number} */ n) => n.toFixed(1);
  const first = rows.find((r) => r.workers > 1);
  return [
    "| `--workers` | RSS idle (MiB) | RSS after load (MiB) |",
    "|---:|---:|---:|",
    ...rows.map((r) => `| ${r.workers} | ${f(r.idleMb)} | ${f(r.loadedMb)} |`),
    `| each worker beyond ${first?.workers ?? "?"} | ${f(perWorkerMb(rows, "idleMb"))} | ${f(perWorkerMb(rows, "loadedMb"))} |`,
  ].join("\n");
}

/** The node flags the container image starts the gateway with: its ENTRYPOINT's words between `node` and the script. */
export function imageNodeFlags() {
  const dockerfile = readFileSync(root("Dockerfile"), "utf8");
  const line = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile);
  const words = line === null ? [] : /** @type {string[]} */ (JSON.parse(line[1] ?? "[]"));
  return words.slice(1, -1);
}

/**
 * The memory targets of issue #20 from both measurements: idle RSS of one thread ≤ 75 MB (with
 * the image's node flags, and as plain `node`), and each worker beyond the second ≤ 25 MB.
 * @param {Awaited<ReturnType<typeof measureWorkerMemory>>} plain @param {Awaited<ReturnType<typeof measureWorkerMemory>>} image @param {string[]} flags
 */
export function memoryTargetLines(plain, image, flags) {
  const one = (/** @type {typeof plain} */ rows) => rows.find((r) => r.workers === 1)?.idleMb ?? NaN;
  const mark = (/** @type {number} */ v, /** @type {number} */ goal) => (v <= goal ? "✓" : "✗");
  return [
    `Idle memory (\`serve --plan\`, bench/worker-memory.mjs): one thread **${one(image).toFixed(1)} MiB** with the image's \`node ${flags.join(" ")}\` ${mark(one(image), 75)}, ${one(plain).toFixed(1)} MiB as plain \`node\` ${mark(one(plain), 75)} (goal ≤ 75 MB); each worker beyond the second **${perWorkerMb(plain, "idleMb").toFixed(1)} MiB** ${mark(perWorkerMb(plain, "idleMb"), 25)} (goal ≤ 25 MB).`,
    "",
    "Plain `node`:",
    "",
    workerMemoryTable(plain),
    "",
    `With \`node ${flags.join(" ")}\` (the image):`,
    "",
    workerMemoryTable(image),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  killChildrenOnExit();
  const log = (/** @type {string} */ s) => process.stderr.write(`bench worker-memory: ${s}\n`);
  try {
    const o = options(process.argv.slice(2));
    log(`Node ${process.version}${o.nodeFlags.length > 0 ? ` ${o.nodeFlags.join(" ")}` : ""}, --server ${o.server}, ${o.cli}`);
    process.stdout.write(`${workerMemoryTable(await measureWorkerMemory(o, log))}\n`);
  } catch (err) {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
}
