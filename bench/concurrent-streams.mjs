// @ts-check
/**
 * Many streams at once: what the gateway adds to the time to first token when 200 streams
 * start together (goal: p99 ≤ 5 ms over direct). The mock upstream (its own process) paces
 * 40 tokens at 20 tokens/s; the gateway (`serve --policy`, one worker, its own process,
 * 256 connections to the provider so that no stream waits for one) runs once on each
 * listener, beside the bare pass-through of bench/bare-proxy.mjs. Each round sends 200 streaming requests at once, directly to the mock and then
 * through each gateway, and times the first content token of each; the rounds alternate
 * the targets so that a drift of the machine hits them alike. Reported: p50 and p99 of
 * all rounds' first tokens per target, and each proxy's p99 minus direct's.
 *
 * Run alone with `node bench/concurrent-streams.mjs [--streams 200] [--rounds 7]` after
 * `npm run build`; `npm run bench` prints its table.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { ensurePortFree, startNodeUnpinned, waitForPort } from "./lib/children.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MOCK_PORT = 19190;
const GATEWAY_PORTS = { node: 19191, uws: 19192 };
const BARE_PORT = 19193;
const UPSTREAM_MODEL = "echo+tps=20+tokens=40";
const KEY = "bench-key";
const KEY_SHA = "b0962662e937d44c699c8305d90cbf190b3150c59b13863d1380b5cc3c711bb7";

const POLICY = `apiVersion: tollgate/v1
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "http://127.0.0.1:${MOCK_PORT}/v1", connections: 256 }
models:
  - name: stream
    targets: [{ provider: mock, model: "${UPSTREAM_MODEL}" }]
consumers:
  - name: bench
    keys: [{ sha256: ${KEY_SHA} }]
`;

/**
 * One round: `n` streams at once; the time from the start of the round to each stream's first content token.
 * @param {string} url @param {string} model @param {number} n @param {Agent} agent
 */
async function round(url, model, n, agent) {
  const body = JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "hello" }] });
  const start = performance.now();
  /** @type {number[]} */
  const ttft = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await request(url, { method: "POST", dispatcher: agent, headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body });
      if (res.statusCode !== 200) {
        failed++;
        await res.body.dump();
        return;
      }
      let seen = false;
      for await (const chunk of res.body) {
        if (!seen && chunk.toString("latin1").includes('"content":"')) {
          seen = true;
          ttft.push(performance.now() - start);
        }
      }
    }),
  );
  if (failed > 0) throw new Error(`${failed} of ${n} streams failed on ${url}`);
  return ttft;
}

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;

/** @param {{ streams: number, rounds: number }} o @param {(s: string) => void} log */
export async function measureConcurrentStreams(o, log) {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-streams-"));
  const policy = join(dir, "policy.yaml");
  writeFileSync(policy, POLICY);
  /** @type {import("./lib/children.mjs").Child[]} */
  const children = [];
  const agent = new Agent({ connections: 4 * o.streams, bodyTimeout: 0, headersTimeout: 0 });
  /** Starts a child and waits for its port; null (logged) when it cannot serve. @param {string} name @param {number} port @param {string[]} args */
  const serve = async (name, port, args) => {
    await ensurePortFree(port);
    const child = startNodeUnpinned(name, args);
    children.push(child);
    try {
      await waitForPort(child, port, 60_000);
      return child;
    } catch (err) {
      log(`${name}: not measured (${err instanceof Error ? err.message : String(err)})`);
      return null;
    }
  };
  try {
    if ((await serve("mock", MOCK_PORT, [join(ROOT, "bench/mock-server.mjs"), "--port", String(MOCK_PORT)])) === null) throw new Error("the mock did not start");
    /** @type {{ name: string, url: string, model: string }[]} */
    const targets = [{ name: "direct", url: `http://127.0.0.1:${MOCK_PORT}/v1/chat/completions`, model: UPSTREAM_MODEL }];
    // The bare pass-through (uWS + undici, no auth, no parsing): what any Node proxy adds here.
    const bareArgs = [join(ROOT, "bench/bare-proxy.mjs"), "--port", String(BARE_PORT), "--upstream", `http://127.0.0.1:${MOCK_PORT}`];
    if ((await serve("bare proxy", BARE_PORT, bareArgs)) !== null) {
      targets.push({ name: "bare (uWS + undici)", url: `http://127.0.0.1:${BARE_PORT}/v1/chat/completions`, model: UPSTREAM_MODEL });
    }
    for (const [server, port] of Object.entries(GATEWAY_PORTS)) {
      const args = [join(ROOT, "dist/cli/main.js"), "serve", "--policy", policy, "--port", String(port), "--workers", "1", "--server", server];
      const name = `tollgate (${server === "uws" ? "uWS" : "node:http"})`;
      if ((await serve(name, port, args)) !== null) targets.push({ name, url: `http://127.0.0.1:${port}/v1/chat/completions`, model: "stream" });
    }
    /** @type {Record<string, number[]>} */
    const all = Object.fromEntries(targets.map((t) => [t.name, []]));
    for (const t of targets) await round(t.url, t.model, 20, agent); // warm-up
    for (let r = 1; r <= o.rounds; r++) {
      for (const t of targets) all[t.name]?.push(...(await round(t.url, t.model, o.streams, agent)));
      log(`round ${r}/${o.rounds}: ${targets.map((t) => `${t.name} p99 ${quantile(all[t.name] ?? [], 0.99).toFixed(1)} ms`).join(", ")}`);
    }
    const direct = all["direct"] ?? [];
    return targets.map((t) => {
      const xs = all[t.name] ?? [];
      return { name: t.name, streams: xs.length, p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), overDirectP99: quantile(xs, 0.99) - quantile(direct, 0.99) };
    });
  } finally {
    await agent.close();
    await Promise.all(children.map((c) => c.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {Awaited<ReturnType<typeof measureConcurrentStreams>>} rows @param {number} streams */
export function concurrentStreamsTable(rows, streams) {
  return [
    `Many streams at once (bench/concurrent-streams.mjs): ${streams} streaming requests started together, time to the first content token over all rounds (goal: p99 ≤ 5 ms over direct):`,
    "",
    "| target | first tokens | p50 | p99 | p99 over direct |",
    "|---|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.streams} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.name === "direct" ? "–" : `${r.overDirectP99 >= 0 ? "+" : ""}${r.overDirectP99.toFixed(1)} ms ${r.overDirectP99 <= 5 ? "✓" : "✗"}`} |`,
    ),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const get = (/** @type {string} */ name, /** @type {number} */ fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const o = { streams: get("streams", 200), rounds: get("rounds", 7) };
  const rows = await measureConcurrentStreams(o, (s) => process.stderr.write(`bench concurrent streams: ${s}\n`));
  process.stdout.write(`${concurrentStreamsTable(rows, o.streams)}\n`);
}
