// @ts-check
/**
 * `npm run bench`: Tollgate against a bare uWS+undici pass-through and against no proxy at all
 * (the load generator straight at the mock), on pinned cores, medians of N runs (the method
 * is in bench/README.md, with what each figure means). Prints a Markdown report on stdout;
 * progress on stderr.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, release, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheReport, measureCache } from "./cache.mjs";
import { measurePoolQueue, poolQueueReport } from "./pool-queue.mjs";
import { compileSpeedLine, measureCompileSpeed } from "./compile-speed.mjs";
import { measureWorkerScaling, workerScalingTable } from "./workers.mjs";
import { imageNodeFlags, measureWorkerMemory, memoryTargetLines } from "./worker-memory.mjs";
import { measureSharedState, sharedStateLine } from "./shared-state.mjs";
import { concurrentStreamsTable, measureConcurrentStreams } from "./concurrent-streams.mjs";
import { guardrailLines, measureGuardrails } from "./guardrails.mjs";
import { measureNeighbourDelay, neighbourDelayLine } from "./neighbour-delay.mjs";
import { measureQuotas, quotaLines } from "./quotas.mjs";
import { measureStreamDecoder, streamDecoderLine } from "./stream-decoder.mjs";
import { measureRouting, routingSection } from "./routing.mjs";
import { chatBody } from "./lib/body.mjs";
import { canPin, ensurePortFree, killChildrenOnExit, startPinned, stopAll, waitForPort } from "./lib/children.mjs";
import { CpuWindow, loadAverage } from "./lib/cpu.mjs";
import { loadGeneratorVersion, runLoad, writeBody } from "./lib/load.mjs";
import { parseOptions } from "./lib/options.mjs";
import { loadTable, slowTable, summaryTable } from "./lib/report.mjs";
import { Results, SCENARIOS, median } from "./lib/results.mjs";
import { measureSlowStreams } from "./lib/slow-streams.mjs";
import { AUTHORIZATION, BENCH_MODEL, CLIENT_CORE, PORTS, serverRssKb, startTarget } from "./lib/targets.mjs";

/** Tokens per mock completion: a stream is then 22 SSE events (role, 20 deltas, finish) + [DONE]. */
const MOCK_TOKENS = 20;
/** A cell whose foreign load exceeds this (in cores) is marked noisy in the header. */
const NOISY_CORES = 0.1;

const options = parseOptions(process.argv.slice(2));
killChildrenOnExit();
const log = (/** @type {string} */ s) => process.stderr.write(`bench: ${s}\n`);

const mockEntry = fileURLToPath(new URL("../dist/tools/mock-upstream/index.js", import.meta.url));
try {
  readFileSync(mockEntry);
} catch {
  log(`${mockEntry} is missing: run \`npm run build\` first (npm run bench does).`);
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), "tollgate-bench-"));
process.once("exit", () => rmSync(tmp, { recursive: true, force: true })); // also after Ctrl-C
const results = new Results(NOISY_CORES);
const loadBefore = loadAverage();
const startedAt = new Date();

try {
  await main();
} catch (err) {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}

async function main() {
  await ensurePortFree(PORTS.mock);
  const mock = startPinned("mock", {
    core: CLIENT_CORE,
    command: process.execPath,
    args: [fileURLToPath(new URL("mock-server.mjs", import.meta.url)), "--port", String(PORTS.mock), "--tokens", String(MOCK_TOKENS)],
  });
  await waitForPort(mock, PORTS.mock);
  const bodies = {
    plain: writeBody(join(tmp, "plain.json"), chatBody({ model: BENCH_MODEL, stream: false })),
    stream: writeBody(join(tmp, "stream.json"), chatBody({ model: BENCH_MODEL, stream: true })),
  };

  for (let run = 1; run <= options.runs; run++) {
    // Targets alternate within each run, so a slow drift of the machine hits all of them alike.
    for (const name of options.only) {
      if (results.failure(name) !== undefined) continue;
      let target;
      try {
        target = await startTarget(name, tmp);
      } catch (err) {
        results.fail(name, `failed to start: ${message(err)}`);
        log(`${name}: ${results.failure(name)}`);
        continue;
      }
      for (const scenario of SCENARIOS) {
        const spec = {
          url: target.url,
          seconds: options.seconds,
          connections: scenario.connections,
          bodyFile: scenario.stream ? bodies.stream : bodies.plain,
          authorization: AUTHORIZATION,
          core: CLIENT_CORE,
        };
        try {
          const cell = await measureCell(spec, [mock.pid, ...(target.pid === undefined ? [] : [target.pid])], target);
          results.add(name, scenario, cell);
          log(
            `run ${run}/${options.runs} ${name} ${scenario.label}: ${Math.round(cell.rps)} req/s, ${Math.round(cell.cpuUs)} µs CPU/req, p50 ${Math.round(cell.p50Us)} µs, p99 ${Math.round(cell.p99Us)} µs, foreign ${cell.foreignCores.toFixed(2)} cores${cell.errors ? `, ${cell.errors} errors` : ""}`,
          );
        } catch (err) {
          results.fail(name, message(err), scenario);
          log(`${name} ${scenario.label}: ${message(err)}`);
        }
        const crashed = target.exitReason();
        if (crashed !== undefined) {
          results.fail(name, `crashed during ${scenario.label}: ${crashed}`);
          log(`${name}: ${results.failure(name)}`);
          break;
        }
      }
      await target.stop();
    }
  }

  if (options.slowStreams) await slowStreams();
  await mock.stop();
  log("big prompts: event-loop delay p99 beside 1 MB prompts through the full product's input guardrails");
  let neighbours;
  try {
    neighbours = neighbourDelayLine(await measureNeighbourDelay());
  } catch (err) {
    neighbours = `Big prompts beside small ones: not measured (${message(err)}).`;
  }
  if (!options.extras) return print("", [neighbours]);
  // Last, with no server running: the compiler's speed on a 1,000-route, 200-provider policy.
  log("compile speed: 1,000 routes, 200 providers, median of 5");
  const compile = await measureCompileSpeed();
  // Then worker-thread scaling (1 vs 2 workers), unpinned: it needs every core.
  log("worker threads: 1 vs 2 workers");
  let workers;
  try {
    workers = workerScalingTable(await measureWorkerScaling({ seconds: options.seconds, runs: options.runs, connections: 64, warmup: options.warmupSeconds }, log));
  } catch (err) {
    workers = `Worker threads: not measured (${message(err)}).`;
  }
  // Idle and loaded memory of `serve --plan` with 1, 2 and 4 workers, as plain node and with the image's flags.
  log("memory: serve --plan with 1, 2 and 4 workers, plain node and the image's node flags");
  let memory;
  try {
    const flags = imageNodeFlags();
    const memoryOptions = { seconds: 3, connections: 64, server: "auto", cli: fileURLToPath(new URL("../dist/cli/main.js", import.meta.url)) };
    const plain = await measureWorkerMemory({ ...memoryOptions, nodeFlags: [] }, log);
    const image = await measureWorkerMemory({ ...memoryOptions, nodeFlags: flags }, log);
    memory = memoryTargetLines(plain, image, flags);
  } catch (err) {
    memory = [`Idle memory: not measured (${message(err)}).`];
  }
  // What the shared state itself costs a second thread, apart from the cores it shares with the mock and wrk.
  log("shared state: quota counters and ledger from 1 and 2 threads");
  const sharedState = sharedStateLine(await measureSharedState({ seconds: 3, runs: options.runs }));
  log("guardrails: detector precision/recall, input scan per KB, stream guard per chunk");
  const guardrails = guardrailLines(await measureGuardrails());
  // Quota admission overhead (in-process, local and Redis stores) and the prompt estimate's cost.
  log("quotas: admission overhead, local and Redis stores");
  const quotas = quotaLines(await measureQuotas());
  log("stream decoder: openai-compatible, pass-through and hiding the gateway's usage request");
  const decoder = streamDecoderLine(await measureStreamDecoder());
  log("semantic cache: paraphrase set, index lookup latency (1k, 10k, 100k)");
  const cache = cacheReport(await measureCache());
  log("routing: affinity hit rate, share error, cost of selection");
  const routing = routingSection(await measureRouting());
  log("many streams at once: 200 streams started together, first token direct, bare and through the gateway");
  let concurrentStreams;
  try {
    concurrentStreams = concurrentStreamsTable(await measureConcurrentStreams({ streams: 200, rounds: 7 }, log), 200);
  } catch (err) {
    concurrentStreams = `Many streams at once: not measured (${message(err)}).`;
  }
  log("upstream pool queueing: bursts of 1–8× the pool's connections, with and without the wait bound");
  const poolQueue = poolQueueReport(await measurePoolQueue());
  print(compileSpeedLine(compile), [
    neighbours,
    "",
    workers,
    "",
    ...memory,
    "",
    sharedState,
    "",
    ...guardrails,
    "",
    ...quotas,
    "",
    decoder,
    "",
    cache,
    "",
    routing,
    "",
    concurrentStreams,
    "",
    poolQueue,
  ]);
}

/**
 * One cell: warm-up, then the measured load inside a CPU window. A measurement during which
 * other processes used more than NOISY_CORES is repeated (up to --retries times) and the
 * quietest attempt kept: a noisy run is re-run, not quoted.
 * @param {import("./lib/load.mjs").LoadSpec} spec @param {number[]} pids @param {import("./lib/targets.mjs").RunningTarget} target
 * @returns {Promise<import("./lib/results.mjs").Cell>}
 */
async function measureCell(spec, pids, target) {
  /** @type {import("./lib/results.mjs").Cell | undefined} */
  let best;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (options.warmupSeconds > 0) await runLoad({ ...spec, seconds: options.warmupSeconds });
    const window = new CpuWindow(pids, target.pid);
    const load = await runLoad(spec);
    const cpuUs = window.serverCpuUs() / load.requests;
    const cell = { ...load, cpuUs, rssKb: serverRssKb(target), foreignCores: window.foreignCores() };
    if (best === undefined || cell.foreignCores < best.foreignCores) best = cell;
    if (cell.foreignCores <= NOISY_CORES) break;
    if (attempt < options.retries) log(`${target.name}: ${cell.foreignCores.toFixed(2)} cores of foreign load during the run; re-running`);
  }
  return /** @type {import("./lib/results.mjs").Cell} */ (best);
}

/** The slow-streams scenario, on a fresh server per run (the load runs above grew its heap). */
async function slowStreams() {
  for (let run = 1; run <= options.runs; run++) {
    for (const name of options.only) {
      if (name === "direct" || results.failure(name) !== undefined) continue;
      let target;
      try {
        target = await startTarget(name, tmp);
      } catch (err) {
        results.fail(name, `failed to start: ${message(err)}`);
        continue;
      }
      try {
        const bodyFile = writeBody(join(tmp, `slow-${name}.json`), chatBody({ model: target.slowModel, stream: true }));
        // One second of ordinary streams first, so "idle" means warmed up, not freshly started.
        await runLoad({ url: target.url, connections: 50, seconds: 1, bodyFile: join(tmp, "stream.json"), authorization: AUTHORIZATION, core: CLIENT_CORE });
        const cell = await measureSlowStreams(target, { streams: options.streams, bodyFile });
        results.addSlow(name, cell);
        log(`run ${run}/${options.runs} ${name} slow streams: ${cell.held} held, RSS ${cell.idleKb} → ${cell.heldKb} KiB`);
      } catch (err) {
        log(`${name} slow streams: ${message(err)}`);
      } finally {
        await target.stop();
      }
    }
  }
}

/** @param {string} compileLine @param {string[]} [extra] lines printed after it (other in-process figures) */
function print(compileLine, extra = []) {
  const foreign = results.foreignLoads();
  const noisy = results.noisyCells();
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const out = [
    `## Tollgate benchmark, ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    `- Machine: ${cpu}, ${cpus().length} vCPUs, Linux ${release()}, Node ${process.version}.`,
    canPin
      ? `- Pinning: server under test on core 1; mock and load generator on core ${CLIENT_CORE}.`
      : "- Pinning: **none** (taskset missing or one core): figures are not comparable to pinned runs.",
    `- Load: ${loadGeneratorVersion()}, closed loop, ${chatBody({ model: BENCH_MODEL, stream: false }).length} B chat body, ${options.seconds} s measured after ${options.warmupSeconds} s warm-up, median of ${options.runs} run(s). Streams: ${MOCK_TOKENS} tokens = ${MOCK_TOKENS + 2} SSE events + [DONE].`,
    `- Foreign CPU load (other processes, in cores): load average ${loadBefore.oneMinute} before start; during the kept measurements median ${median(foreign).toFixed(2)}, max ${Math.max(0, ...foreign).toFixed(2)}. Medians use only runs under ${NOISY_CORES} cores` +
      (noisy > 0 ? `; **† ${noisy} cell(s) had no such run even after ${options.retries} re-run(s): re-run before quoting**.` : "."),
    "",
    "Summary at 50 connections (issue #20's table): CPU = the server process's user + system time / requests; ratios to bare from the same run; ✓/✗ against the goals (core gateway ≤ 1.1× bare CPU non-stream, ≤ 1.3× stream; full product ≤ 2× CPU and ≥ 0.6× req/s; stream p99 at one connection within 1 ms of bare).",
    "",
    summaryTable(results, options.only),
    "",
    loadTable(results, options.only),
  ];
  if (options.slowStreams && options.only.some((t) => t !== "direct")) {
    out.push(
      "",
      `Slow streams: ${options.streams.toLocaleString("en-US")} concurrent streams (mock: 2 tokens/s, 40 tokens) held open; KB per stream = (RSS held − RSS idle) / streams held.`,
      "",
      slowTable(results, options.only, options.streams),
    );
  }
  if (compileLine !== "") out.push("", compileLine);
  if (extra.length > 0) out.push("", ...extra);
  process.stdout.write(`${out.join("\n")}\n`);
}

/** @param {unknown} err */
function message(err) {
  return err instanceof Error ? err.message : String(err);
}
