// @ts-check
/**
 * Routing figures (issue 5), on the real compiled plan and linked selectors from dist/:
 *
 * 1. KV-cache hit rate on a synthetic multi-turn trace: shared system prompts, growing
 *    conversations, requests of many conversations interleaved, a window of requests in
 *    flight. Each endpoint is modelled as an LRU cache of prompt blocks; a request's hit
 *    is the longest prefix of its blocks that its endpoint already holds. Compared:
 *    prefix-affinity, session-affinity, plain round-robin and a weighted random draw.
 * 2. Share error: observed first-target shares vs the configured weights (plain weighted
 *    models and a GPU pool with bounded load), over many draws.
 * 3. Cost of selection per request, in µs: each strategy's `select`, the weighted fast
 *    path, and route matching with a prompt-size and a classifier condition.
 *
 * Run it alone with `node bench/routing.mjs` (after `npm run build`); `npm run bench`
 * prints its section too. Deterministic trace (seeded); timings vary with the machine.
 */
import { fileURLToPath } from "node:url";

const ENDPOINTS = 4;
/** Characters per KV block in the cache model (16 tokens × 4 characters), as the policy's blockTokens: 16. */
const BLOCK_CHARS = 64;
/** Blocks each endpoint's KV cache holds (LRU). */
const CACHE_BLOCKS = 3000;
/** Requests in flight at once in the trace replay. */
const IN_FLIGHT = 16;

/** @param {number} seed */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {string} text */
function words(text) {
  return text;
}

/**
 * The trace: 6 system prompts (~1.5 KB), 240 conversations of 4-10 turns, each turn a
 * user message (~250 chars) and the previous answers (~500 chars); requests of all
 * conversations interleaved at random.
 */
function makeTrace() {
  const random = rng(42);
  const text = (/** @type {number} */ n, /** @type {string} */ tag) => {
    let out = "";
    while (out.length < n) out += `${tag}-${Math.floor(random() * 1e6).toString(36)} `;
    return out.slice(0, n);
  };
  const systems = Array.from({ length: 6 }, (_, i) => words(text(1500, `sys${i}`)));
  /** @type {{ session: string, messages: { role: string, content: string }[] }[][]} */
  const conversations = [];
  for (let c = 0; c < 240; c++) {
    const turns = 4 + Math.floor(random() * 7);
    const messages = [{ role: "system", content: systems[c % systems.length] ?? "" }];
    const requests = [];
    for (let t = 0; t < turns; t++) {
      messages.push({ role: "user", content: text(250, `u${c}t${t}`) });
      requests.push({ session: `conv-${c}`, messages: messages.map((m) => ({ ...m })) });
      messages.push({ role: "assistant", content: text(500, `a${c}t${t}`) });
    }
    conversations.push(requests);
  }
  // Interleave: repeatedly take the next turn of a random unfinished conversation.
  const cursors = conversations.map(() => 0);
  const open = conversations.map((_, i) => i);
  const trace = [];
  while (open.length > 0) {
    const k = Math.floor(random() * open.length);
    const c = open[k] ?? 0;
    trace.push(conversations[c]?.[cursors[c] ?? 0]);
    cursors[c] = (cursors[c] ?? 0) + 1;
    if ((cursors[c] ?? 0) >= (conversations[c]?.length ?? 0)) open.splice(k, 1);
  }
  return /** @type {{ session: string, messages: { role: string, content: string }[] }[]} */ (trace);
}

/** The prompt's blocks as strings of BLOCK_CHARS (full blocks only), each keyed by its whole prefix. */
function blockKeys(/** @type {{ role: string, content: string }[]} */ messages) {
  let text = "";
  for (const m of messages) text += `\u0000${m.role}\u0000${m.content}`;
  const keys = [];
  // A cheap rolling identity: the prefix length plus a hash of the block chain.
  let h = 0x811c9dc5;
  for (let i = 0; i + BLOCK_CHARS <= text.length; i += BLOCK_CHARS) {
    for (let j = i; j < i + BLOCK_CHARS; j++) {
      h ^= text.charCodeAt(j);
      h = Math.imul(h, 16777619) >>> 0;
    }
    keys.push(`${i}:${h}`);
  }
  return keys;
}

class LruCache {
  /** @param {number} capacity */
  constructor(capacity) {
    this.capacity = capacity;
    /** @type {Map<string, true>} */
    this.map = new Map();
  }
  /** Leading blocks already held, then stores all of them. @param {string[]} keys */
  serve(keys) {
    let hit = 0;
    while (hit < keys.length && this.map.has(keys[hit] ?? "")) hit++;
    for (const k of keys) {
      this.map.delete(k);
      this.map.set(k, true);
    }
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value ?? "");
    return hit;
  }
}

/** A routing policy with every strategy over one pool of ENDPOINTS equal endpoints. */
function policy() {
  const endpoints = Array.from({ length: ENDPOINTS }, (_, i) => `      - { name: e${i}, baseUrl: "http://127.0.0.1:${9 + i}/v1", gpu: H100 }`).join("\n");
  const model = (/** @type {string} */ name, /** @type {string} */ strategy) => `  - name: ${name}\n    targets: [{ provider: pool, model: llama }]\n    strategy: ${strategy}`;
  return `apiVersion: tollgate/v1
providers:
  - { name: api, kind: openai-compatible, baseUrl: "http://127.0.0.1:8/v1" }
pools:
  - name: pool
    endpoints:
${endpoints}
  - name: gpus
    gpuWeights: { H100: 3, A100: 1 }
    endpoints:
      - { name: h100, baseUrl: "http://127.0.0.1:20/v1", gpu: H100, gpus: 2 }
      - { name: a100, baseUrl: "http://127.0.0.1:21/v1", gpu: A100, gpus: 3 }
      - { name: a100b, baseUrl: "http://127.0.0.1:22/v1", gpu: A100 }
classifiers:
  - { name: complex, keywords: [prove, "step by step", refactor, derivation, theorem, optimize], patterns: ["\\\\bdef\\\\s+\\\\w+\\\\("] }
models:
${model("prefix", "{ kind: prefix-affinity, blockTokens: 16, maxBlocks: 128 }")}
${model("session", "session-affinity")}
${model("least-busy", "least-busy")}
${model("latency", "latency")}
${model("bounded", "{ kind: weighted, loadBound: 1.25 }")}
${model("combined", "{ scorers: [{ kind: prefix-affinity, weight: 2 }, { kind: least-busy }, { kind: latency }] }")}
  - name: plain
    targets: [{ provider: pool, model: llama }]
  - name: weighted
    targets: [{ provider: api, model: a, weight: 5 }, { provider: api, model: b, weight: 3 }, { provider: api, model: c, weight: 2 }]
  - name: gpu
    targets: [{ provider: gpus, model: llama }]
  - name: cost
    targets:
      - { provider: api, model: big, price: { input: 5, output: 15 }, contextWindow: 200000 }
      - { provider: api, model: small, price: { input: 0.1, output: 0.4 }, contextWindow: 16000 }
    strategy: cost
routes:
  - { name: long, match: { model: auto, promptTokens: { gt: 4000 } }, model: cost }
  - { name: complex, match: { model: auto, classifier: complex }, model: cost }
  - { match: { model: auto }, model: plain }
consumers:
  - { name: app, keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }] }
`;
}

/** Replays the trace through `pick`, with IN_FLIGHT requests in flight (stats fed as request records do). */
function replay(/** @type {ReturnType<typeof makeTrace>} */ trace, /** @type {(r: ReturnType<typeof makeTrace>[number]) => any} */ pick) {
  const caches = new Map();
  /** @type {any[]} */
  const inflight = [];
  let hit = 0;
  let total = 0;
  const perTarget = new Map();
  for (const request of trace) {
    const target = pick(request);
    target.stats?.started();
    inflight.push(target);
    if (inflight.length > IN_FLIGHT) inflight.shift()?.stats?.released();
    let cache = caches.get(target);
    if (cache === undefined) caches.set(target, (cache = new LruCache(CACHE_BLOCKS)));
    const keys = blockKeys(request.messages);
    hit += cache.serve(keys);
    total += keys.length;
    perTarget.set(target, (perTarget.get(target) ?? 0) + 1);
  }
  for (const t of inflight) t.stats?.released();
  const counts = [...perTarget.values()];
  const mean = trace.length / ENDPOINTS;
  return { hitRate: hit / total, imbalance: Math.max(...counts) / mean };
}

export async function measureRouting() {
  const { compileSources } = await import("../dist/compiler/index.js");
  const { linkPlan } = await import("../dist/runtime/plan/link-plan.js");
  const { pickWeighted } = await import("../dist/runtime/routing/select-targets.js");
  const { matchRoute } = await import("../dist/runtime/routing/match-route.js");
  const { RouteFacts } = await import("../dist/runtime/routing/route-facts.js");
  const { validateChatRequest } = await import("../dist/runtime/canonical/chat-request.js");
  /** The validated request view of a body (the pipeline makes one per request). */
  const view = (/** @type {any} */ body) => /** @type {any} */ (validateChatRequest(body)).request;
  const compiled = compileSources([{ path: "routing-bench.yaml", text: policy() }], { compilerVersion: "bench" });
  if (compiled.plan === null) throw new Error(`the routing bench policy does not compile: ${compiled.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  const linked = linkPlan(compiled.plan, {});
  try {
    const byName = (/** @type {string} */ n) => linked.models.find((/** @type {any} */ m) => m.name === n);
    const input = (/** @type {any} */ r) => ({ headers: { "x-session-id": r.session }, request: view({ model: "m", messages: r.messages }), promptTokens: -1 });

    // 1. Hit rate.
    const trace = makeTrace();
    const plain = byName("plain");
    let rr = 0;
    const hitRates = {
      "prefix-affinity": replay(trace, (r) => byName("prefix").selector.select(input(r))),
      "session-affinity": replay(trace, (r) => byName("session").selector.select(input(r))),
      "prefix + least-busy + latency": replay(trace, (r) => byName("combined").selector.select(input(r))),
      "round-robin": replay(trace, () => plain.weighted[rr++ % plain.weighted.length]),
      "weighted random": replay(trace, () => pickWeighted(plain)),
    };
    const blocks = trace.reduce((n, r) => n + blockKeys(r.messages).length, 0);

    // 2. Share error over many draws.
    const shareError = (/** @type {any} */ model, /** @type {() => any} */ draw, /** @type {number} */ n) => {
      const counts = new Map(model.weighted.map((/** @type {any} */ t) => [t, 0]));
      for (let i = 0; i < n; i++) {
        const t = draw();
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      const cw = model.cumulativeWeights;
      const total = cw[cw.length - 1];
      let maxAbs = 0;
      model.weighted.forEach((/** @type {any} */ t, /** @type {number} */ i) => {
        const expected = (cw[i] - (i === 0 ? 0 : cw[i - 1])) / total;
        maxAbs = Math.max(maxAbs, Math.abs((counts.get(t) ?? 0) / n - expected));
      });
      return maxAbs;
    };
    const N = 200_000;
    const weighted = byName("weighted");
    const gpu = byName("gpu");
    const shares = {
      "weighted 5:3:2": shareError(weighted, () => pickWeighted(weighted), N),
      "GPU pool 6:3:1 (bounded load, idle)": shareError(gpu, () => gpu.selector.select(input({ session: "s", messages: [{ role: "user", content: "hi" }] })), N),
    };
    // The same pool under load: 12 requests in flight, one endpoint slow (its requests last 4× longer).
    const slowShares = (() => {
      const slow = gpu.weighted[0];
      /** @type {{ t: any, until: number }[]} */
      const live = [];
      const counts = new Map();
      for (let i = 0; i < N / 4; i++) {
        while (live.length > 0 && live.length >= 12) {
          live.sort((a, b) => a.until - b.until);
          live.shift()?.t.stats.released();
        }
        const t = gpu.selector.select(input({ session: "s", messages: [{ role: "user", content: "hi" }] }));
        t.stats.started();
        live.push({ t, until: i + (t === slow ? 48 : 12) });
        counts.set(t, (counts.get(t) ?? 0) + 1);
      }
      for (const l of live) l.t.stats.released();
      return gpu.weighted.map((/** @type {any} */ t) => `${t.upstream.name} ${(((counts.get(t) ?? 0) / (N / 4)) * 100).toFixed(1)}%`).join(", ");
    })();

    // 3. Cost per selection.
    const sample = trace[Math.floor(trace.length / 2)] ?? trace[0];
    const sampleInput = input(sample);
    const promptChars = JSON.stringify(sample?.messages ?? []).length;
    // CPU time of this process (user + system), not wall time: on a shared machine the
    // wall clock also counts the time other processes held the core.
    const timeUs = (/** @type {() => unknown} */ fn) => {
      for (let i = 0; i < 2000; i++) fn();
      const runs = [];
      for (let r = 0; r < 5; r++) {
        const n = 20_000;
        const start = process.cpuUsage();
        for (let i = 0; i < n; i++) fn();
        const used = process.cpuUsage(start);
        runs.push((used.user + used.system) / n);
      }
      runs.sort((a, b) => a - b);
      return runs[2] ?? NaN;
    };
    const sel = (/** @type {string} */ n) => {
      const s = byName(n).selector;
      return () => s.select(sampleInput);
    };
    const consumer = [...linked.consumersByKeyHash.values()][0];
    const routeRequest = view({ model: "auto", messages: sample?.messages ?? [] });
    const costs = {
      "weighted (no program: one draw)": timeUs(() => pickWeighted(weighted)),
      "weighted + bounded load": timeUs(sel("bounded")),
      "least-busy": timeUs(sel("least-busy")),
      latency: timeUs(sel("latency")),
      cost: timeUs(() => byName("cost").selector.select(sampleInput)),
      "session-affinity": timeUs(sel("session")),
      "prefix-affinity": timeUs(sel("prefix")),
      "prefix + least-busy + latency": timeUs(sel("combined")),
      "route match: exact name, no conditions": timeUs(() => matchRoute(linked, "plain", {}, null)),
      "route match: prompt-size + classifier routes": timeUs(() =>
        matchRoute(linked, "auto", {}, new RouteFacts("/v1/chat/completions", consumer.index, routeRequest, linked.routeFacts.tokenCap, linked.routeFacts.classifiers)),
      ),
    };
    return { hitRates, blocks, requests: trace.length, shares, slowShares, costs, promptChars, draws: N };
  } finally {
    await linked.close();
  }
}

/** @param {Awaited<ReturnType<typeof measureRouting>>} r */
export function routingSection(r) {
  const pct = (/** @type {number} */ x) => `${(x * 100).toFixed(1)}%`;
  return [
    `### Routing (bench/routing.mjs)`,
    "",
    `KV-cache hit rate on a synthetic multi-turn trace: ${r.requests} requests (240 conversations of 4-10 turns over 6 shared ~1.5 KB system prompts, interleaved), ${r.blocks.toLocaleString("en-US")} prompt blocks of 64 characters, ${ENDPOINTS} endpoints each caching ${CACHE_BLOCKS} blocks (LRU), ${IN_FLIGHT} requests in flight. Hit = leading blocks the chosen endpoint already held.`,
    "",
    "| strategy | block hit rate | busiest endpoint vs mean |",
    "|---|---|---|",
    ...Object.entries(r.hitRates).map(([k, v]) => `| ${k} | ${pct(v.hitRate)} | ${v.imbalance.toFixed(2)}× |`),
    "",
    `Share error (max |observed − configured| over ${r.draws.toLocaleString("en-US")} first picks): ${Object.entries(r.shares)
      .map(([k, v]) => `${k}: ${(v * 100).toFixed(2)} pp`)
      .join("; ")}. Same GPU pool with 12 in flight and \`gpus/h100\` 4× slower: ${r.slowShares} (configured 60.0%, 30.0%, 10.0%).`,
    "",
    `Cost of selection per request (CPU time, median of 5 × 20,000 calls, a ${r.promptChars.toLocaleString("en-US")}-character conversation; the index and stats warm from the trace):`,
    "",
    "| step | µs |",
    "|---|---|",
    ...Object.entries(r.costs).map(([k, v]) => `| ${k} | ${v.toFixed(2)} |`),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${routingSection(await measureRouting())}\n`);
}
