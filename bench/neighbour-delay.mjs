// @ts-check
/**
 * Big prompts and their neighbours: the full product (bench-full-policy.yaml) in this
 * process, on uWS, while a client process sends small chat requests one after another
 * and, in the measured window, 1 MB prompts beside them. `monitorEventLoopDelay` in the
 * gateway's own process gives the event loop's delay p99: how long a neighbour's request
 * can wait behind the big prompt's guardrail scan. A baseline window without big prompts
 * comes first. Run alone: `node bench/neighbour-delay.mjs` (after `npm run build`).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

/** Size of the big prompt, in bytes of message text. */
const BIG_BYTES = 1024 * 1024;
/** Seconds of each window. */
const WINDOW_SECONDS = 4;

/**
 * @typedef {object} NeighbourDelay
 * @property {number} baseP99Ms      event-loop delay p99 with neighbours only
 * @property {number} bigP99Ms       event-loop delay p99 while 1 MB prompts go through
 * @property {number} bigMaxMs       the worst delay in that window
 * @property {number} bigRequests    1 MB prompts answered in the window
 * @property {number} bigMedianMs    median latency of one 1 MB prompt
 * @property {number} neighbourP99Ms neighbours' latency p99 in that window (client side)
 * @property {number} baseNeighbourP99Ms neighbours' latency p99 without big prompts
 */

/** @returns {Promise<NeighbourDelay>} */
export async function measureNeighbourDelay() {
  const dist = (/** @type {string} */ p) => new URL(`../dist/${p}`, import.meta.url).href;
  const { compileSources, renderDiagnostics } = await import(dist("compiler/index.js"));
  const { startGateway } = await import(dist("runtime/gateway.js"));
  const { setQuietLogs } = await import(dist("runtime/base/log.js"));
  setQuietLogs(true);
  // The mock answers in a child process: its work must not count against this loop.
  const mockPort = 19199;
  const mock = spawn(process.execPath, [fileURLToPath(new URL("mock-server.mjs", import.meta.url)), "--port", String(mockPort), "--tokens", "20"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve) => mock.stdout?.once("data", resolve));
  const text = readFileSync(new URL("bench-full-policy.yaml", import.meta.url), "utf8")
    .replace("http://127.0.0.1:19099/v1", `http://127.0.0.1:${mockPort}/v1`)
    .replace("http://127.0.0.1:19099/v1", `http://127.0.0.1:${mockPort}/v1`)
    .replace("/tmp/tollgate-bench-audit.jsonl", `/tmp/tollgate-bench-neighbour-${process.pid}.jsonl`);
  const compiled = compileSources([{ path: "bench-full-policy.yaml", text }]);
  if (compiled.plan === null) throw new Error(renderDiagnostics(compiled.diagnostics, { format: "human" }));
  const gw = await startGateway({ plan: compiled.plan, port: 0, server: "uws" });
  try {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const windows = await runClient(gw.url, h);
    h.disable();
    return windows;
  } finally {
    await gw.close();
    mock.kill();
  }
}

/**
 * The client, in a child process: neighbours for one window, then neighbours and big prompts.
 * @param {string} url @param {import("node:perf_hooks").IntervalHistogram} h
 * @returns {Promise<NeighbourDelay>}
 */
function runClient(url, h) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--client", url], { stdio: ["pipe", "pipe", "inherit"] });
  /** @type {Record<string, number>} */
  const got = {};
  let buffered = "";
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout?.on("data", (d) => {
      buffered += d;
      for (let nl = buffered.indexOf("\n"); nl !== -1; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        // The client announces each window's start and end; the histogram follows it.
        if (line === "start") h.reset();
        else if (line.startsWith("base ")) {
          got["base"] = h.percentile(99) / 1e6;
          got["baseNeighbour"] = Number(line.split(" ")[1]);
          h.reset();
        } else if (line.startsWith("big ")) {
          const [, neighbour, count, median] = line.split(" ").map(Number);
          resolve({
            baseP99Ms: got["base"] ?? NaN,
            bigP99Ms: h.percentile(99) / 1e6,
            bigMaxMs: h.max / 1e6,
            bigRequests: count ?? NaN,
            bigMedianMs: median ?? NaN,
            neighbourP99Ms: neighbour ?? NaN,
            baseNeighbourP99Ms: got["baseNeighbour"] ?? NaN,
          });
        } else if (line.startsWith("error ")) reject(new Error(line.slice(6)));
      }
    });
    child.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`client exited with ${code}`))));
  });
}

/** The client side (child process). @param {string} url */
async function client(url) {
  const { request } = await import("undici");
  const { chatBody } = await import("./lib/body.mjs");
  const small = chatBody({ model: "bench-model", stream: false });
  // Prose with an e-mail address (redacted by the policy) about every 8 KB.
  const prose = "The quarterly report covers revenue, churn and the hiring plan for the platform team, quarter by quarter. ";
  const page = `${prose.repeat(Math.ceil(8192 / prose.length))}Contact jane.doe@example.com for the figures. `;
  const big = JSON.stringify({ model: "bench-model", messages: [{ role: "user", content: page.repeat(Math.ceil(BIG_BYTES / page.length)).slice(0, BIG_BYTES) }] });
  const headers = { "content-type": "application/json", authorization: "Bearer bench-key" };
  /** @param {string} body */
  const post = async (body) => {
    const started = performance.now();
    const res = await request(`${url}/v1/chat/completions`, { method: "POST", headers, body });
    await res.body.text();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    return performance.now() - started;
  };
  /** @param {number[]} xs @param {number} q */
  const pct = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;
  /** Neighbours (two in flight) until `until`. @param {number} until */
  const neighbours = async (until) => {
    /** @type {number[]} */
    const times = [];
    const lane = async () => {
      while (performance.now() < until) times.push(await post(small));
    };
    await Promise.all([lane(), lane()]);
    return times;
  };
  try {
    for (let i = 0; i < 200; i++) await post(small); // warm-up
    await post(big);
    process.stdout.write("start\n");
    const base = await neighbours(performance.now() + WINDOW_SECONDS * 1000);
    process.stdout.write(`base ${pct(base, 0.99).toFixed(2)}\n`);
    const until = performance.now() + WINDOW_SECONDS * 1000;
    /** @type {number[]} */
    const bigTimes = [];
    const bigLane = async () => {
      while (performance.now() < until) bigTimes.push(await post(big));
    };
    const [near] = await Promise.all([neighbours(until), bigLane()]);
    process.stdout.write(`big ${pct(near, 0.99).toFixed(2)} ${bigTimes.length} ${pct(bigTimes, 0.5).toFixed(1)}\n`);
  } catch (err) {
    process.stdout.write(`error ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

/** @param {NeighbourDelay} r */
export function neighbourDelayLine(r) {
  const ms = (/** @type {number} */ x) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : "–");
  return (
    `Big prompts beside small ones (full product, in-process, \`monitorEventLoopDelay\`): event-loop delay p99 ${ms(r.baseP99Ms)} with small requests only, ` +
    `**${ms(r.bigP99Ms)}** (max ${ms(r.bigMaxMs)}) while ${r.bigRequests} 1 MB prompts went through the input guardrails (${ms(r.bigMedianMs)} each, median); ` +
    `the small requests' p99 ${ms(r.baseNeighbourP99Ms)} → ${ms(r.neighbourP99Ms)}. Goal: delay p99 < 20 ms.`
  );
}

if (process.argv[2] === "--client") await client(process.argv[3] ?? "");
else if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${neighbourDelayLine(await measureNeighbourDelay())}\n`);
