// @ts-check
/**
 * Semantic cache figures (issue 7): on a synthetic paraphrase set (bench/lib/paraphrase-set.mjs),
 * the hit rate (paraphrases served the stored answer) and the false-hit rate (near-misses served
 * any answer) at the configured threshold, plus a threshold sweep; then lookup latency and recall of the
 * in-process vector index (HNSW) against the exact scan vs its size (1k, 10k, 100k entries). Embeddings are the mock upstream's
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
const EXACT_LIMIT_NOTE = "1,024";

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

  // Lookup latency and recall of the index against the exact scan. Stored vectors are clustered
  // (200 entries per cluster on average, like many phrasings of a few hundred topics); queries are
  // paraphrases of stored entries (what a cache hit looks like) and fresh points of the same
  // clusters (what a near miss looks like). Uniform random vectors are no test for a cache: in 256
  // dimensions no two are similar, every lookup misses at any useful threshold.
  let seed = 42;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const vector = () => unit(Array.from({ length: DIMS }, random));
  /** @param {Float32Array} v @param {number} spread */
  const near = (v, spread) => unit(Array.from(v, (x) => x + random() * spread));
  /** @template T @param {readonly T[]} items @returns {T} */
  const pick = (items) => /** @type {T} */ (items[Math.floor(((random() + 1) / 2) * items.length) % items.length]);
  const latency = [];
  for (const size of SIZES) {
    const centers = Array.from({ length: Math.max(5, size / 200) }, vector);
    const clustered = () => near(pick(centers), 0.06);
    const index = new VectorPartition(size);
    /** @type {Float32Array[]} */
    const stored = [];
    const buildCpu = process.cpuUsage();
    for (let i = 0; i < size; i++) {
      const v = clustered();
      stored.push(v);
      index.add(v, i, Infinity);
    }
    const build = process.cpuUsage(buildCpu);
    while (index.best(stored[0], 2, 0) === null && index.pending > 0); // link what still waits
    const queries = [...Array.from({ length: LOOKUPS / 2 }, () => near(pick(stored), 0.02)), ...Array.from({ length: LOOKUPS / 2 }, clustered)];
    for (const q of queries.slice(0, 20)) index.best(q, 2, 0); // warm-up
    const timeLookups = (/** @type {(q: Float32Array) => unknown} */ lookup) => {
      const times = [];
      const cpuBefore = process.cpuUsage();
      for (const q of queries) {
        const start = performance.now();
        lookup(q);
        times.push(performance.now() - start);
      }
      const cpu = process.cpuUsage(cpuBefore);
      times.sort((a, b) => a - b);
      return {
        p50Ms: times[Math.floor(times.length / 2)] ?? 0,
        p99Ms: times[Math.floor(times.length * 0.99)] ?? 0,
        // CPU time per lookup: what the lookup costs, whatever else the machine runs.
        cpuMs: (cpu.user + cpu.system) / 1000 / queries.length,
      };
    };
    const indexed = timeLookups((q) => index.best(q, -1, 0));
    const exact = timeLookups((q) => index.exactBest(q, -1, 0));
    /** @param {Float32Array[]} qs @param {number} threshold */
    const agreement = (qs, threshold) => qs.filter((q) => index.best(q, threshold, 0)?.value === index.exactBest(q, threshold, 0)?.value).length / qs.length;
    latency.push({
      size,
      indexed,
      exact,
      recallParaphrase: agreement(queries.slice(0, LOOKUPS / 2), -1),
      recallFresh: agreement(queries.slice(LOOKUPS / 2), -1),
      recallAtThreshold: agreement(queries, CONFIGURED_THRESHOLD),
      insertCpuMs: (build.user + build.system) / 1000 / size,
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
    `Lookup latency of the in-process index (${DIMS}-dim float32, ${LOOKUPS} lookups, one partition holding every entry, clustered vectors; HNSW past ${EXACT_LIMIT_NOTE} entries, exact scan below). Recall: share of lookups where the index returns the exact scan's entry (best match, no threshold; and hit/miss and entry at the threshold ${CONFIGURED_THRESHOLD}).`,
    "",
    "| entries | vectors | index CPU per lookup | index wall p50 / p99 | exact scan CPU per lookup | recall (paraphrases / fresh / at threshold) | insert CPU |",
    "|---|---|---|---|---|---|---|",
    ...r.latency.map(
      (l) =>
        `| ${l.size.toLocaleString("en-US")} | ${l.mib.toFixed(1)} MiB | ${l.indexed.cpuMs.toFixed(3)} ms | ${l.indexed.p50Ms.toFixed(3)} / ${l.indexed.p99Ms.toFixed(3)} ms | ${l.exact.cpuMs.toFixed(3)} ms | ${pct(l.recallParaphrase)} / ${pct(l.recallFresh)} / ${pct(l.recallAtThreshold)} | ${l.insertCpuMs.toFixed(3)} ms |`,
    ),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${cacheReport(await measureCache())}\n`);
}
