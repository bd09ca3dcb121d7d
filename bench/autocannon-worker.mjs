// @ts-check
/**
 * The fallback load generator when wrk is not installed: autocannon, in its own pinned process
 * so that its CPU lands on the load-generator core and not in the benchmark runner.
 * Usage: node bench/autocannon-worker.mjs '<LoadSpec JSON>'; prints one JSON LoadResult line.
 */
import { readFileSync } from "node:fs";
// @ts-expect-error autocannon ships no type declarations; the facade below types what we use.
import untypedAutocannon from "autocannon";

/** @typedef {{ requests: { total: number }, duration: number, non2xx: number, errors: number }} AutocannonResult */
/** @typedef {(client: unknown, status: number, bytes: number, ms: number) => void} OnResponse */
/** @type {(opts: object, done: (err: Error | null, res: AutocannonResult) => void) => { on(e: "response", f: OnResponse): void }} */
const autocannon = untypedAutocannon;

/** @type {import("./lib/load.mjs").LoadSpec} */
const spec = JSON.parse(process.argv[2] ?? "{}");
// autocannon's own histogram truncates to whole milliseconds, useless at one connection
// (~100 µs), so the latencies of 2xx responses are kept here at full resolution.
/** @type {number[]} */
const latenciesMs = [];
/** @type {AutocannonResult} */
const result = await new Promise((resolve, reject) => {
  const instance = autocannon(
    {
      url: spec.url,
      method: "POST",
      connections: spec.connections,
      duration: spec.seconds,
      pipelining: 1,
      headers: { "content-type": "application/json", authorization: spec.authorization },
      body: readFileSync(spec.bodyFile, "utf8"),
    },
    (err, res) => (err ? reject(err) : resolve(res)),
  );
  instance.on("response", (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latenciesMs.push(ms);
  });
});
latenciesMs.sort((a, b) => a - b);
/** @param {number} q */
const percentileUs = (q) => (latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(q * latenciesMs.length))] ?? NaN) * 1000;
/** @type {import("./lib/load.mjs").LoadResult} */
const out = {
  rps: result.requests.total / result.duration,
  p50Us: percentileUs(0.5),
  p99Us: percentileUs(0.99),
  requests: result.requests.total,
  errors: result.non2xx + result.errors,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
