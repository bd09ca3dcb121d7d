// @ts-check
/**
 * Semantic cache figures (issue 7): on a synthetic paraphrase set (bench/lib/paraphrase-set.mjs),
 * the hit rate (paraphrases served the stored answer) and the false-hit rate (near-misses served
 * any answer) at the configured threshold, plus a threshold sweep; then lookup latency of the
 * in-process vector index vs its size (1k, 10k, 100k entries). Embeddings are the mock upstream's
 * deterministic `words` model (bag of words, 256 dimensions), so the rates characterize the cache
 * with that embedding, not a production model. Run alone with `node bench/cache.mjs` after
 * `npm run build`; `npm run bench` prints it too.
 */
import { performance } from "node:perf_hooks";
import { paraphraseSet } from "./lib/paraphrase-set.mjs";

/** The threshold the e2e tests and the example use with the `words` embedding. */
export const CONFIGURED_THRESHOLD = 0.8;
const DIMS = 256;
const SIZES = [1_000, 10_000, 100_000];
const LOOKUPS = 200;

export async function measureCache() {
  const { wordEmbedding } = await import("../dist/tools/mock-upstream/word-embedding.js");
  const { unit } = await import("../dist/runtime/stages/cache/semantic/embed-client.js");
  const { LocalSemanticStore } = await import("../dist/runtime/stages/cache/semantic/semantic-store.js");
  const { VectorPartition } = await import("../dist/runtime/stages/cache/semantic/vector-partition.js");
  /** @param {string} text */
  const embed = (text) => unit(wordEmbedding(text, DIMS));

  const facts = paraphraseSet();
  /** @param {number} threshold */
  const rates = async (threshold) => {
    const store = new LocalSemanticStore({ threshold, ttlMs: 3_600_000, maxEntries: 100_000, cipher: null, now: Date.now });
    for (const [i, f] of facts.entries()) await store.insert("p", embed(f.stored), Buffer.from(String(i)));
    let hits = 0,
      right = 0,
      paraphrases = 0,
      falseHits = 0,
      nearMisses = 0;
    for (const [i, f] of facts.entries()) {
      for (const q of f.paraphrases) {
        paraphrases++;
        const hit = await store.lookup("p", embed(q));
        if (hit !== null) {
          hits++;
          if (hit.answer.toString() === String(i)) right++;
        }
      }
      for (const q of f.nearMisses) {
        nearMisses++;
        if ((await store.lookup("p", embed(q))) !== null) falseHits++;
      }
    }
    return { threshold, hitRate: hits / paraphrases, correctHitRate: right / paraphrases, falseHitRate: falseHits / nearMisses, paraphrases, nearMisses };
  };
  const configured = await rates(CONFIGURED_THRESHOLD);
  const sweep = [];
  for (const t of [0.7, 0.75, 0.8, 0.85, 0.9, 0.95]) sweep.push(await rates(t));

  // Lookup latency: random unit vectors (worst case for brute force: every entry is scored).
  let seed = 42;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const vector = () => unit(Array.from({ length: DIMS }, random));
  const latency = [];
  for (const size of SIZES) {
    const index = new VectorPartition(size);
    for (let i = 0; i < size; i++) index.add(vector(), i, Infinity);
    const queries = Array.from({ length: LOOKUPS }, vector);
    for (const q of queries.slice(0, 20)) index.best(q, 0.99, 0); // warm-up
    const times = [];
    const cpuBefore = process.cpuUsage();
    for (const q of queries) {
      const start = performance.now();
      index.best(q, 0.99, 0);
      times.push(performance.now() - start);
    }
    const cpu = process.cpuUsage(cpuBefore);
    times.sort((a, b) => a - b);
    latency.push({
      size,
      p50Ms: times[Math.floor(times.length / 2)] ?? 0,
      p99Ms: times[Math.floor(times.length * 0.99)] ?? 0,
      // CPU time per lookup: what the lookup costs, whatever else the machine runs.
      cpuMs: (cpu.user + cpu.system) / 1000 / LOOKUPS,
      mib: (size * DIMS * 4) / 2 ** 20,
    });
  }
  return { facts: facts.length, configured, sweep, latency };
}

/** @param {Awaited<ReturnType<typeof measureCache>>} r */
export function cacheReport(r) {
  const pct = (/** @type {number} */ x) => `${(x * 100).toFixed(1)}%`;
  const c = r.configured;
  return [
    `### Semantic cache (\`words\` embedding, ${DIMS} dims; ${r.facts} stored questions, ${c.paraphrases} paraphrases, ${c.nearMisses} near-misses)`,
    "",
    `At the configured threshold ${CONFIGURED_THRESHOLD}: hit rate ${pct(c.hitRate)} (right answer ${pct(c.correctHitRate)}), false-hit rate ${pct(c.falseHitRate)}.`,
    "",
    "| threshold | hit rate | false-hit rate |",
    "|---|---|---|",
    ...r.sweep.map((s) => `| ${s.threshold} | ${pct(s.hitRate)} | ${pct(s.falseHitRate)} |`),
    "",
    `Lookup latency of the in-process index (brute force, ${DIMS}-dim float32, ${LOOKUPS} lookups, one partition holding every entry):`,
    "",
    "| entries | vectors | CPU per lookup | wall p50 | wall p99 |",
    "|---|---|---|---|---|",
    ...r.latency.map((l) => `| ${l.size.toLocaleString("en-US")} | ${l.mib.toFixed(1)} MiB | ${l.cpuMs.toFixed(3)} ms | ${l.p50Ms.toFixed(3)} ms | ${l.p99Ms.toFixed(3)} ms |`),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${cacheReport(await measureCache())}\n`);
}
