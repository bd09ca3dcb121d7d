// @ts-check
/**
 * Quota admission overhead: µs per request spent reserving (and settling) on the
 * in-process store and on Redis, measured in-process on the built runtime (dist/),
 * plus the cost of the bounded prompt estimate on ordinary and pathological prompts
 * and an exact count's round trip to the counting worker. Run it alone with
 * `node bench/quotas.mjs` (after `npm run build`); `npm run bench` prints its lines.
 */
import { spawn } from "node:child_process";
import { randomBytes, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const KEY = "bench-key";
const README = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");

/** @param {string} extra */
function policy(extra) {
  return `apiVersion: tollgate/v1
providers:
  - { name: up, kind: openai-compatible, baseUrl: "http://127.0.0.1:9/v1" }
models:
  - { name: m, targets: [{ provider: up, model: m, price: { input: 2.5, output: 10 } }] }
consumers:
  - { name: c, team: t, keys: [{ sha256: "${createHash("sha256").update(KEY).digest("hex")}" }] }
${extra}`;
}

/** @param {"local" | "shared"} consistency */
function quotas(consistency) {
  return `quotas:
  - { name: day-tokens, limit: 1000000000000, per: day, scope: team, consistency: ${consistency} }
  - { name: month-usd, unit: usd, limit: 1000000000, per: month, scope: team, consistency: ${consistency} }
  - { name: key-rate, unit: requests, limit: 1000000000, per: minute, burst: 1000000000, scope: key, consistency: ${consistency} }`;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** @param {number} port @returns {Promise<import("node:child_process").ChildProcess>} */
function startRedis(port) {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.once("error", reject);
    child.stdout?.on("data", (d) => {
      out += d.toString();
      if (out.includes("Ready to accept connections")) resolve(child);
    });
    setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000).unref();
  });
}

/**
 * @returns {Promise<Record<string, number>>}
 */
export async function measureQuotas() {
  const { compileSources } = await import("../dist/compiler/index.js");
  const { linkPlan } = await import("../dist/runtime/plan/link-plan.js");
  const { ServedPlan } = await import("../dist/runtime/plan/served-plan.js");
  const { QuotaService, QUOTA_ATTACHMENT } = await import("../dist/runtime/stages/quotas/quota-service.js");
  const { admitRequest } = await import("../dist/runtime/stages/quotas/admit.js");
  const { chatDemand } = await import("../dist/runtime/stages/quotas/demand.js");
  const { actualUsage, settlements } = await import("../dist/runtime/stages/quotas/settle.js");
  const { estimateTextTokens } = await import("../dist/schemas/plan/token-estimate.js");
  const { estimatePromptTokens } = await import("../dist/runtime/canonical/prompt-tokens.js");
  const { validateChatRequest } = await import("../dist/runtime/canonical/chat-request.js");
  const { setQuietLogs } = await import("../dist/runtime/base/log.js");
  setQuietLogs(true);

  const port = await freePort();
  const redis = await startRedis(port);
  /** @type {Record<string, number>} */
  const out = {};
  try {
    /** @param {string} text */
    const plan = (text) => {
      const r = compileSources([{ path: "bench.yaml", text }], { compilerVersion: "bench" });
      if (r.plan === null) throw new Error(`bench policy does not compile: ${JSON.stringify(r.diagnostics[0])}`);
      return r.plan;
    };
    const body = {
      model: "m",
      max_tokens: 256,
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: README.slice(0, 1000) },
      ],
    };
    const request = validateChatRequest(body).request;
    const ex = { headers: { authorization: `Bearer ${KEY}` }, extraHeaders: [], aborted: false, send() {}, started: false };

    /** @param {any} p */
    const setup = async (p) => {
      const linked = linkPlan(p, { REDIS_URL: `redis://127.0.0.1:${port}` });
      const served = new ServedPlan(linked);
      const service = new QuotaService({ metrics: null, env: { REDIS_URL: `redis://127.0.0.1:${port}` }, ledger: false });
      service.attach(served);
      await service.ready();
      const quotas = served.attachments.get(QUOTA_ATTACHMENT);
      const consumer = [...linked.consumersByKeyHash.values()][0];
      const model = linked.models[0];
      return { service, quotas, consumer, model, served };
    };

    /** One admission and its settlement, as the pipeline and the observer do them. */
    const once = async (/** @type {any} */ s) => {
      const record = {
        quota: null,
        model: s.model,
        status: 200,
        usage: { inputTokens: 300, outputTokens: 100, cachedInputTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0, source: "upstream" },
        outputChars: 0,
        lastAttempt: { target: s.model.weighted[0] },
      };
      const admission = await admitRequest(s.service, s.quotas, ex.headers, s.consumer, s.model, chatDemand(request), /** @type {any} */ (record));
      if (admission.kind !== "admitted") throw new Error("refused");
      record.quota = admission.ticket;
      const now = s.service.clock();
      const used = actualUsage(/** @type {any} */ (record), record.quota);
      for (const [store, specs] of settlements(record.quota, used, now)) await store.settle(now, specs);
    };

    /** @param {any} s @param {number} n @returns {Promise<[number, number]>} wall µs and CPU µs per request */
    const timeSequential = async (s, n) => {
      for (let i = 0; i < Math.min(2000, n); i++) await once(s); // warm-up
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      for (let i = 0; i < n; i++) await once(s);
      const cpu = process.cpuUsage(cpu0);
      return [((performance.now() - start) * 1000) / n, (cpu.user + cpu.system) / n];
    };

    const local = await setup(plan(policy(quotas("local"))));
    [out.localAdmitSettleUs, out.localAdmitSettleCpuUs] = await timeSequential(local, 50_000);
    // The estimate alone (part of the above): a 1 KB prompt; and a trivial loop over the same characters, to calibrate the machine.
    {
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < 50_000; i++) estimatePromptTokens(request);
      const cpu = process.cpuUsage(cpu0);
      out.estimate1kUs = (cpu.user + cpu.system) / 50_000;
      const text = body.messages[1].content;
      let sink = 0;
      const cpu1 = process.cpuUsage();
      for (let i = 0; i < 50_000; i++) for (let j = 0; j < text.length; j++) sink += text.charCodeAt(j);
      const cpu2 = process.cpuUsage(cpu1);
      out.calibration1kUs = (cpu2.user + cpu2.system) / 50_000 + (sink < 0 ? 1 : 0);
    }
    await local.service.close();

    const stores = `stores:\n  redis: { url: env:REDIS_URL }\n`;
    const shared = await setup(plan(policy(stores + quotas("shared"))));
    [out.redisAdmitSettleUs, out.redisAdmitSettleCpuUs] = await timeSequential(shared, 5_000);
    // Throughput view: 32 requests in flight at once, CPU-side cost per request.
    {
      const n = 20_000;
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next++ < n) await once(shared);
        }),
      );
      const cpu = process.cpuUsage(cpu0);
      out.redisConcurrentWallUs = ((performance.now() - start) * 1000) / n;
      out.redisConcurrentCpuUs = (cpu.user + cpu.system) / n;
    }
    await shared.service.close();

    // Pathological prompts: the bounded estimate, ms.
    const cases = {
      oneLetter1MB: "a".repeat(1 << 20),
      cjk200k: Array.from({ length: 200_000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))).join(""),
      base64_1MB: randomBytes(786_432).toString("base64"),
      prose100KB: README.repeat(Math.ceil(100_000 / README.length)).slice(0, 100_000),
    };
    for (const [name, text] of Object.entries(cases)) {
      estimateTextTokens(text);
      const runs = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        estimateTextTokens(text);
        runs.push(performance.now() - start);
      }
      runs.sort((a, b) => a - b);
      out[`estimate_${name}_ms`] = runs[2];
    }
    // Exact count round trip to the worker (1 KB of prose), after warm-up.
    {
      const { ExactCounter } = await import("../dist/runtime/canonical/exact-count.js");
      const counter = new ExactCounter();
      await counter.warm();
      const text = README.slice(0, 1000);
      for (let i = 0; i < 50; i++) await counter.count("o200k_base", [text], 1000);
      const start = performance.now();
      for (let i = 0; i < 500; i++) await counter.count("o200k_base", [text], 1000);
      out.exact1kRoundTripUs = ((performance.now() - start) * 1000) / 500;
      await counter.close();
    }
  } finally {
    redis.kill("SIGKILL");
  }
  return out;
}

/** @param {Record<string, number>} r */
export function quotaLines(r) {
  const f = (/** @type {number} */ x, d = 1) => x.toFixed(d);
  return [
    `Quota admission (3 quotas: team tokens/day, team USD/month, per-key bucket; admit + settle, sequential):`,
    `  local store (shared memory): ${f(r.localAdmitSettleUs)} µs wall, ${f(r.localAdmitSettleCpuUs)} µs CPU per request (of which the 1 KB prompt estimate ${f(r.estimate1kUs, 2)} µs CPU; a bare loop over the same 1 KB: ${f(r.calibration1kUs, 2)} µs)`,
    `  Redis store: ${f(r.redisAdmitSettleUs)} µs wall, ${f(r.redisAdmitSettleCpuUs)} µs CPU per request sequential (two round trips: admit, settle); at 32 in flight ${f(r.redisConcurrentWallUs)} µs wall, ${f(r.redisConcurrentCpuUs)} µs CPU per request`,
    `Bounded prompt estimate: 1 MB of one letter ${f(r.estimate_oneLetter1MB_ms, 2)} ms, 200k CJK ${f(r.estimate_cjk200k_ms, 2)} ms, 1 MB base64 ${f(r.estimate_base64_1MB_ms, 2)} ms, 100 KB prose ${f(r.estimate_prose100KB_ms, 2)} ms`,
    `Exact count (worker round trip, 1 KB prose): ${f(r.exact1kRoundTripUs)} µs`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { loadavg } = await import("node:os");
  const r = await measureQuotas();
  console.log(
    `(load average during the run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")})`,
  );
  for (const line of quotaLines(r)) console.log(line);
  process.exit(0);
}
