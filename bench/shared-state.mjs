// @ts-check
/**
 * The cost of the state worker threads share, alone: every request of the full product
 * admits and settles three local quota counters and adds a usage-ledger row, all in the
 * process's shared memory under one lock per table. Here 1, then 2 threads do exactly
 * that as fast as they can, on the same counters and the same ledger row (the worst case:
 * one team, one key, one model), with nothing else running in them. Each thread reports
 * its own CPU time (`process.threadCpuUsage` where Node has it, else the thread's
 * wall time, which on an idle core is the same) and its operations; the ratio of CPU per
 * operation with 2 threads to 1 is the contention cost of the shared state.
 *
 * The whole-gateway figure (bench/workers.mjs) cannot isolate this on a 2-core machine: the
 * second worker shares its cores with the mock and the load generator. This one needs one
 * free core per thread; it reports the load average beside the figures.
 *
 * Run alone with `node bench/shared-state.mjs [--seconds 3] [--runs 5]` after `npm run build`;
 * `npm run bench` prints its line.
 */
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const SPECS_NOW = Date.now();
const HOUR = 3_600_000;

/** The three counters of bench-full-policy.yaml's quotas: tokens a day, USD a month, a request bucket. */
function specs(/** @type {number} */ now, /** @type {number} */ sign) {
  const day = Math.floor(now / (24 * HOUR)) * 24 * HOUR;
  return [
    { key: "q|day-tokens|bench-team", bucket: false, capacity: 1e12, window: day, windowEnd: day + 24 * HOUR, ratePerMs: 0, amount: sign * 600 },
    { key: "q|month-usd|bench-team", bucket: false, capacity: 1e9, window: day, windowEnd: day + 31 * 24 * HOUR, ratePerMs: 0, amount: sign * 0.004 },
    { key: "q|key-rate|bench-key", bucket: true, capacity: 1e9, window: 0, windowEnd: HOUR, ratePerMs: 1e9 / 60_000, amount: sign * 1 },
  ];
}

/** One thread's loop: admit, settle the difference, add the ledger row; for `ms` of wall time. */
async function threadLoop() {
  const { attachSharedState } = await import("../dist/runtime/state/shared-state.js");
  const { LocalCounterStore } = await import("../dist/runtime/state/counters/local-store.js");
  const { UsageLedger } = await import("../dist/runtime/state/ledger.js");
  const state = attachSharedState(workerData.buffers);
  const store = new LocalCounterStore(state.quotas);
  const ledger = new UsageLedger(state.ledger);
  const entry = { inputTokens: 300, cachedInputTokens: 0, outputTokens: 20, reasoningTokens: 0, costUsd: 0.00095 };
  const threadCpu = /** @type {any} */ (process).threadCpuUsage;
  // Start together: wait on the shared start word.
  const start = new Int32Array(workerData.start);
  Atomics.wait(start, 0, 0);
  const cpu0 = threadCpu ? threadCpu.call(process) : null;
  const t0 = performance.now();
  const until = t0 + workerData.ms;
  let ops = 0;
  const admit = specs(SPECS_NOW, 1);
  const refund = specs(SPECS_NOW, -0.5);
  // Paced (gapUs > 0): the rest of a request is simulated by spinning gapUs between
  // operations, and only the time inside the shared-state calls is counted.
  const gapUs = workerData.gapUs;
  let insideUs = 0;
  while (performance.now() < until) {
    for (let i = 0; i < (gapUs > 0 ? 1 : 256); i++) {
      const now = SPECS_NOW + ops;
      const a = performance.now();
      const outcome = store.admit(now, admit);
      if (outcome.refused >= 0) throw new Error("refused: the limits are out of reach");
      store.settle(now, refund);
      ledger.add(now, "bench", "bench-team", "bench-model", "mock", entry);
      const b = performance.now();
      insideUs += (b - a) * 1000;
      ops++;
      if (gapUs > 0) while (performance.now() < b + gapUs / 1000);
    }
  }
  const wallUs = (performance.now() - t0) * 1000;
  const cpuUs =
    cpu0 === null
      ? wallUs
      : (() => {
          const c = threadCpu.call(process, cpu0);
          return c.user + c.system;
        })();
  parentPort?.postMessage({ ops, cpuUs: gapUs > 0 ? insideUs : cpuUs, wallUs });
}

/** @param {number} threads @param {number} ms @param {number} gapUs */
async function measure(threads, ms, gapUs) {
  const { createSharedState } = await import("../dist/runtime/state/shared-state.js");
  const state = createSharedState();
  const start = new SharedArrayBuffer(4);
  const workers = Array.from({ length: threads }, () => new Worker(fileURLToPath(import.meta.url), { workerData: { buffers: state.buffers, start, ms, gapUs } }));
  const results = workers.map((w) => new Promise((resolve, reject) => (w.once("message", resolve), w.once("error", reject))));
  await new Promise((r) => setTimeout(r, 300)); // let them load and wait on the start word
  Atomics.store(new Int32Array(start), 0, 1);
  Atomics.notify(new Int32Array(start), 0);
  const done = /** @type {{ ops: number, cpuUs: number, wallUs: number }[]} */ (await Promise.all(results));
  await Promise.all(workers.map((w) => w.terminate()));
  const ops = done.reduce((n, d) => n + d.ops, 0);
  const cpuUs = done.reduce((n, d) => n + d.cpuUs, 0);
  return { ops, cpuPerOpUs: cpuUs / ops, opsPerSecond: ops / (ms / 1000) };
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** What a request of the full product costs beyond the shared state, in µs of one core (bench/run.mjs: ~340-450). */
const REQUEST_US = 150;

/**
 * Alternates 1 and 2 threads `runs` times, saturated and paced; medians.
 * @param {{ seconds: number, runs: number }} o
 */
export async function measureSharedState(o) {
  const load = loadavg()[0] ?? 0;
  /** @param {number} gapUs */
  const mode = async (gapUs) => {
    /** @type {Record<1 | 2, number[]>} */
    const perOp = { 1: [], 2: [] };
    /** @type {Record<1 | 2, number[]>} */
    const rate = { 1: [], 2: [] };
    for (let run = 0; run < o.runs; run++) {
      for (const threads of /** @type {const} */ ([1, 2])) {
        const r = await measure(threads, o.seconds * 1000, gapUs);
        perOp[threads].push(r.cpuPerOpUs);
        rate[threads].push(r.opsPerSecond);
      }
    }
    const one = median(perOp[1]);
    const two = median(perOp[2]);
    return { one, two, ratio: two / one, rateOne: median(rate[1]), rateTwo: median(rate[2]) };
  };
  const saturated = await mode(0);
  const paced = await mode(REQUEST_US);
  return { saturated, paced, load, threadCpu: typeof (/** @type {any} */ (process).threadCpuUsage) === "function" };
}

/** @param {Awaited<ReturnType<typeof measureSharedState>>} r */
export function sharedStateLine(r) {
  const f = (/** @type {number} */ n) => Math.round(n).toLocaleString("en-US");
  const { saturated: s, paced: p } = r;
  return (
    `Shared state between worker threads (bench/shared-state.mjs: admit + settle 3 local quota counters and add a ledger row, the same counters and row in every thread). ` +
    `Paced as requests (${REQUEST_US} µs of other work between them, time inside the shared calls): ${p.one.toFixed(2)} µs per request with 1 thread, ${p.two.toFixed(2)} µs with 2 ` +
    `(${p.ratio.toFixed(2)}×; the difference is ${(((p.two - p.one) / (REQUEST_US + p.one)) * 100).toFixed(1)} % of a request). ` +
    `Saturated (nothing but these calls in both threads, the worst case): ${s.one.toFixed(2)} → ${s.two.toFixed(2)} µs ${r.threadCpu ? "thread CPU" : "thread wall time"} per request (${s.ratio.toFixed(2)}×), ` +
    `${f(s.rateOne)} → ${f(s.rateTwo)} requests/s: one lock per table serializes them. Load average ${r.load.toFixed(2)} at the start.`
  );
}

if (!isMainThread) {
  await threadLoop();
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const get = (/** @type {string} */ name, /** @type {number} */ fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  process.stdout.write(`${sharedStateLine(await measureSharedState({ seconds: get("seconds", 3), runs: get("runs", 5) }))}\n`);
}
