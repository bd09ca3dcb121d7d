// @ts-check
/**
 * The load generator: wrk when it is installed (a C client costs far less CPU per request than
 * any Node client, and it shares core 0 with the mock), else autocannon in a child process.
 * Both are closed-loop: each connection sends its next request when the previous one ends.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startPinned } from "./children.mjs";

/** @typedef {{ rps: number, p50Us: number, p99Us: number, requests: number, errors: number }} LoadResult */
/** @typedef {{ url: string, connections: number, seconds: number, bodyFile: string, authorization: string, core: number }} LoadSpec */

const LUA = fileURLToPath(new URL("../post.lua", import.meta.url));
const AUTOCANNON_WORKER = fileURLToPath(new URL("../autocannon-worker.mjs", import.meta.url));

/** "wrk" when wrk is on PATH, else "autocannon"; BENCH_LOADGEN=autocannon forces the fallback. */
export const loadGenerator = process.env["BENCH_LOADGEN"] !== "autocannon" && spawnSync("wrk", ["-v"]).error === undefined ? "wrk" : "autocannon";

/** A one-line description of the generator, for the report header. */
export function loadGeneratorVersion() {
  if (loadGenerator === "autocannon") return "autocannon 8 (in a pinned child process; wrk not used)";
  const out = spawnSync("wrk", ["-v"]).stdout?.toString() ?? "";
  return /wrk [\d.]+/.exec(out)?.[0] ?? "wrk";
}

/**
 * Writes a request body where the load generator can read it.
 * @param {string} path @param {string} body
 */
export function writeBody(path, body) {
  writeFileSync(path, body);
  return path;
}

/**
 * Runs one load and returns its figures.
 * @param {LoadSpec} spec
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(spec) {
  return loadGenerator === "wrk" ? runWrk(spec) : runAutocannon(spec);
}

/** @param {LoadSpec} spec @returns {Promise<LoadResult>} */
async function runWrk(spec) {
  // wrk needs at least one connection per thread; two threads, as bench/README.md's method says.
  const threads = Math.min(2, spec.connections);
  const args = [`-t${threads}`, `-c${spec.connections}`, `-d${spec.seconds}s`, "--latency", "-s", LUA, spec.url];
  const child = startPinned("wrk", {
    core: spec.core,
    command: "wrk",
    args,
    env: { BENCH_BODY_FILE: spec.bodyFile, BENCH_AUTHORIZATION: spec.authorization },
  });
  const code = await child.exited;
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${child.lastWords()}`);
  return parseWrk(child.stdout);
}

/** Parses wrk's `--latency` report. Exported for tests. @param {string} out @returns {LoadResult} */
export function parseWrk(out) {
  const number = (/** @type {RegExp} */ re) => Number(re.exec(out)?.[1] ?? NaN);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = number(/Non-2xx or 3xx responses: (\d+)/) || 0;
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  return {
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p50Us: wrkDuration(/^\s+50%\s+(\S+)/m.exec(out)?.[1]),
    p99Us: wrkDuration(/^\s+99%\s+(\S+)/m.exec(out)?.[1]),
    requests: number(/(\d+) requests in/),
    errors,
  };
}

/** wrk prints "850.00us", "1.23ms", "2.01s", "1.5m". @param {string | undefined} text */
function wrkDuration(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? "");
  if (!m) return NaN;
  const scale = { us: 1, ms: 1e3, s: 1e6, m: 60e6 }[/** @type {"us" | "ms" | "s" | "m"} */ (m[2])];
  return Number(m[1]) * scale;
}

/** @param {LoadSpec} spec @returns {Promise<LoadResult>} */
async function runAutocannon(spec) {
  const child = startPinned("autocannon", { core: spec.core, command: process.execPath, args: [AUTOCANNON_WORKER, JSON.stringify(spec)] });
  const code = await child.exited;
  if (code !== 0) throw new Error(`autocannon exited with ${code}: ${child.lastWords()}`);
  return /** @type {LoadResult} */ (JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}"));
}
