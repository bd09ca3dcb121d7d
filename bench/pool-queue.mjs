// @ts-check
/**
 * Sizing `timeouts.connectionWait` (issue 20): how long streams wait for a connection when
 * more of them arrive at once than a provider has connections (the default 128).
 *
 * The gateway (`serve --policy`, one worker, its own process) fronts the mock upstream, whose
 * streams here last ~2 s (40 tokens at 20 tokens/s: a short chat answer). A burst of N
 * concurrent streams (N = 1×, 2×, 4×, 8× the connections) is sent at once; for each burst the
 * bench reports time to first byte (p50, p99), the wait for a connection from the gateway's own
 * histogram (`tollgate_upstream_pool_wait_seconds`), and how many streams got a 503. It runs
 * twice: with the bound off (10 min: the silent queue undici gives without it) and with the
 * default. Run alone with `node bench/pool-queue.mjs` after `npm run build`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CONNECTIONS = 128;
const BURSTS = [1, 2, 4, 8].map((x) => x * CONNECTIONS);
const STREAM_MODEL = "echo+tps=20+tokens=40";
const KEY = "bench-key";
const KEY_SHA = "b0962662e937d44c699c8305d90cbf190b3150c59b13863d1380b5cc3c711bb7";

/** @param {number} mockPort @param {string | null} wait */
function policy(mockPort, wait) {
  return `apiVersion: tollgate/v1
listener: { metrics: true }
providers:
  - name: mock
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
    connections: ${CONNECTIONS}
${wait === null ? "" : `    timeouts: { connectionWait: ${wait} }\n`}models:
  - name: stream
    targets: [{ provider: mock, model: "${STREAM_MODEL}" }]
consumers:
  - name: bench
    keys: [{ sha256: ${KEY_SHA} }]
`;
}

/** @param {string} policyText @param {number} port */
async function startGateway(policyText, port) {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-pool-"));
  const file = join(dir, "policy.yaml");
  writeFileSync(file, policyText);
  const child = spawn(process.execPath, [join(ROOT, "dist/cli/main.js"), "serve", "--policy", file, "--port", String(port), "--workers", "1"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 200; i++) {
    try {
      const res = await request(`http://127.0.0.1:${port}/readyz`);
      await res.body.dump();
      if (res.statusCode === 200) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error("the gateway did not start");
}

/** Sum of a histogram family's buckets from a Prometheus text body: [le, cumulative count][]. @param {string} text @param {string} name */
function buckets(text, name) {
  /** @type {[number, number][]} */
  const out = [];
  for (const line of text.split("\n")) {
    const m = line.match(new RegExp(`^${name}_bucket\\{.*le="([^"]+)".*\\} (\\S+)$`));
    if (m) out.push([m[1] === "+Inf" ? Infinity : Number(m[1]), Number(m[2])]);
  }
  return out;
}

/** The upper bound of the bucket holding quantile q, from the difference of two scrapes. @param {[number, number][]} before @param {[number, number][]} after @param {number} q */
function quantileBound(before, after, q) {
  const diff = after.map(([le, n], i) => /** @type {[number, number]} */ ([le, n - (before[i]?.[1] ?? 0)]));
  const total = diff.at(-1)?.[1] ?? 0;
  const found = diff.find(([, n]) => n >= total * q);
  return found?.[0] ?? NaN;
}

/** @param {number} port @param {number} streams @param {Agent} agent */
async function burst(port, streams, agent) {
  const body = JSON.stringify({ model: "stream", stream: true, messages: [{ role: "user", content: "hello" }] });
  const metrics = async () => await (await request(`http://127.0.0.1:${port}/metrics`)).body.text();
  const before = buckets(await metrics(), "tollgate_upstream_pool_wait_seconds");
  const start = performance.now();
  /** @type {number[]} */
  const ttfb = [];
  let refused = 0;
  await Promise.all(
    Array.from({ length: streams }, async () => {
      const res = await request(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: "POST",
        dispatcher: agent,
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body,
      });
      if (res.statusCode !== 200) {
        refused++;
        await res.body.dump();
        return;
      }
      let first = true;
      for await (const _ of res.body) {
        if (first) ttfb.push(performance.now() - start);
        first = false;
      }
    }),
  );
  const wall = performance.now() - start;
  const after = buckets(await metrics(), "tollgate_upstream_pool_wait_seconds");
  ttfb.sort((a, b) => a - b);
  const q = (/** @type {number} */ p) => ttfb[Math.min(ttfb.length - 1, Math.floor(ttfb.length * p))] ?? NaN;
  return {
    streams,
    served: ttfb.length,
    refused,
    ttfbP50: q(0.5),
    ttfbP99: q(0.99),
    waitP50: quantileBound(before, after, 0.5),
    waitP99: quantileBound(before, after, 0.99),
    wallMs: wall,
  };
}

export async function measurePoolQueue() {
  const { startMockUpstream } = await import("../dist/tools/mock-upstream/index.js");
  const mock = await startMockUpstream({ port: 0 });
  const agent = new Agent({ connections: 2_000, bodyTimeout: 0, headersTimeout: 0 });
  const results = [];
  try {
    for (const [label, wait] of /** @type {const} */ ([
      ["no bound (10m)", "10m"],
      ["default bound", null],
    ])) {
      const port = 19180 + results.length;
      const gateway = await startGateway(policy(mock.port, wait), port);
      try {
        await burst(port, 8, agent); // warm-up
        for (const streams of BURSTS) results.push({ label, ...(await burst(port, streams, agent)) });
      } finally {
        gateway.kill();
      }
    }
  } finally {
    await agent.close();
    await mock.close();
  }
  return results;
}

/** @param {Awaited<ReturnType<typeof measurePoolQueue>>} rows */
export function poolQueueReport(rows) {
  const s = (/** @type {number} */ ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "–");
  const le = (/** @type {number} */ x) => (Number.isFinite(x) ? `≤ ${x} s` : Number.isNaN(x) ? "–" : "> 60 s");
  return [
    `### Upstream pool queueing (${CONNECTIONS} connections, streams of ~2 s: \`${STREAM_MODEL}\`)`,
    "",
    "| bound | concurrent streams | served | 503 | TTFB p50 | TTFB p99 | pool wait p50 | pool wait p99 | burst done in |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.label} | ${r.streams} | ${r.served} | ${r.refused} | ${s(r.ttfbP50)} | ${s(r.ttfbP99)} | ${le(r.waitP50)} | ${le(r.waitP99)} | ${s(r.wallMs)} |`),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${poolQueueReport(await measurePoolQueue())}\n`);
}
