// @ts-check
/**
 * Guardrail figures, in-process (no server, so no network noise): detector precision
 * and recall on the labelled corpus (test/guardrails/pii-corpus.json), the cost of the
 * input scan per KB of prompt (every PII detector, 1,000 deny terms and the injection
 * set, as one route's chain), and the output stage's CPU cost per SSE chunk at several
 * window sizes, next to the content it holds back (the latency the window adds is the
 * time those characters take to arrive). Medians of several rounds.
 * Run it alone with `node bench/guardrails.mjs` (after `npm run build`); `npm run bench`
 * prints its lines at the end.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const ROUNDS = 7;

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function measureGuardrails() {
  const dist = new URL("../dist/runtime/stages/guardrails/", import.meta.url);
  const { PiiScanner } = await import(new URL("pii-scanner.js", dist).href);
  const { linkGuardrails } = await import(new URL("link-guardrails.js", dist).href);
  const { guardInput } = await import(new URL("input-guard.js", dist).href);
  const { OutputGuardStage } = await import(new URL("output-stage.js", dist).href);
  const { Redactions } = await import(new URL("redactions.js", dist).href);
  const { GuardrailReport } = await import(new URL("guardrail-report.js", dist).href);
  const { validateChatRequest } = await import(new URL("../dist/runtime/canonical/chat-request.js", import.meta.url).href);
  const { PII_DETECTORS } = await import(new URL("../dist/schemas/catalog/guardrails.js", import.meta.url).href);

  // 1. Precision and recall per detector.
  /** @type {{ text: string, expect: { detector: string, value: string }[] }[]} */
  const corpus = JSON.parse(readFileSync(new URL("../test/guardrails/pii-corpus.json", import.meta.url), "utf8"));
  const scanner = new PiiScanner(PII_DETECTORS);
  /** @type {Map<string, { tp: number, fp: number, fn: number }>} */
  const counts = new Map(PII_DETECTORS.map((/** @type {string} */ d) => [d, { tp: 0, fp: 0, fn: 0 }]));
  for (const s of corpus) {
    /** @type {{ detector: number, start: number, end: number }[]} */
    const hits = [];
    scanner.scan(s.text, hits);
    const found = hits.map((h) => ({ detector: scanner.detectors[h.detector].id, value: s.text.slice(h.start, h.end) }));
    for (const f of found) {
      const c = /** @type {{ tp: number, fp: number }} */ (counts.get(f.detector));
      if (s.expect.some((e) => e.detector === f.detector && e.value === f.value)) c.tp++;
      else c.fp++;
    }
    for (const e of s.expect) if (!found.some((f) => f.detector === e.detector && f.value === e.value)) /** @type {{ fn: number }} */ (counts.get(e.detector)).fn++;
  }
  const detectors = [...counts].map(([detector, c]) => ({
    detector,
    ...c,
    precision: c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp),
    recall: c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn),
  }));

  // 2. Input scan cost per KB: one route's chain with everything on.
  const pii = PII_DETECTORS.map((/** @type {string} */ detector) => ({ detector, action: "redact", rule: "bench" }));
  const terms = Array.from({ length: 1000 }, (_, i) => ({ term: `forbidden phrase ${i}`, action: "block", rule: "bench" }));
  const inputScan = {
    pii,
    terms: [{ caseSensitive: false, wholeWords: true, terms }],
    deny: [],
    allow: [],
    injection: { threshold: 0.5, action: "flag", rule: "bench" },
    window: 0,
  };
  const chain = (/** @type {number} */ window) => ({
    name: "bench",
    maxMessages: { limit: 100, rule: "bench" },
    maxPromptTokens: { limit: 1_000_000, rule: "bench" },
    input: inputScan,
    output: { pii, terms: [], deny: [], allow: [], injection: null, window },
    moderation: null,
  });
  const linked = linkGuardrails({ chains: [chain(48)], routes: [0] }, [])[0];
  const prose = "The quarterly report covers revenue, churn and the hiring plan for the platform team. ";
  const pieces = [];
  while (pieces.join("").length < 16 * 1024) pieces.push(prose, pieces.length % 20 === 5 ? "Contact jane.doe@example.com or +44 20 7946 0958. " : "");
  const text = pieces.join("");
  const kb = Buffer.byteLength(text) / 1024;
  const body = validateChatRequest({
    model: "m",
    messages: [
      { role: "system", content: "You are helpful." },
      { role: "user", content: text },
    ],
  }).request;
  const iterations = 200;
  for (let i = 0; i < 20; i++) guardInput(linked, body, new Redactions(), new GuardrailReport("bench"));
  const inputUsPerKb = [];
  const piiUsPerKb = [];
  for (let r = 0; r < ROUNDS; r++) {
    let start = performance.now();
    for (let i = 0; i < iterations; i++) guardInput(linked, body, new Redactions(), new GuardrailReport("bench"));
    inputUsPerKb.push(((performance.now() - start) * 1000) / iterations / kb);
    start = performance.now();
    for (let i = 0; i < iterations; i++) scanner.scan(text, []);
    piiUsPerKb.push(((performance.now() - start) * 1000) / iterations / kb);
  }

  // 3. Output stage per chunk: a 2,000-chunk stream of ~4-character deltas, PII every ~300 characters.
  const HEAD = '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":null,"choices":[';
  const words = [];
  for (let i = 0; words.join("").length < 8000; i++) words.push(i % 75 === 40 ? "call +86 138 0013 8000 " : "word ");
  const streamText = words.join("");
  const chunks = [];
  for (let i = 0; i < streamText.length; i += 4) {
    chunks.push(Buffer.from(`data: ${HEAD}{"index":0,"delta":{"content":${JSON.stringify(streamText.slice(i, i + 4))}},"logprobs":null,"finish_reason":null}]}\n\n`));
  }
  const stream = [];
  for (const window of [16, 48, 128]) {
    const scan = linkGuardrails({ chains: [chain(window)], routes: [0] }, [])[0].output;
    const runOnce = () => {
      const stage = new OutputGuardStage(scan, new Redactions(), new GuardrailReport("bench"));
      for (const c of chunks) stage.pushStream(c);
      stage.endStream(true);
    };
    for (let i = 0; i < 5; i++) runOnce();
    const us = [];
    for (let r = 0; r < ROUNDS; r++) {
      const start = performance.now();
      for (let i = 0; i < 5; i++) runOnce();
      us.push(((performance.now() - start) * 1000) / 5 / chunks.length);
    }
    stream.push({ window, usPerChunk: median(us) });
  }
  // The baseline a stage adds to: splitting and re-reading the SSE without any check.
  const parseOnly = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < 5; i++) for (const c of chunks) JSON.parse(c.toString().slice(6, -2));
    parseOnly.push(((performance.now() - start) * 1000) / 5 / chunks.length);
  }

  // 4. Prompt-injection check on the published corpus (test/fixtures/prompt-injection/), at the default threshold 0.5.
  const { InjectionScore } = await import(new URL("injection.js", dist).href);
  /** @type {{ id: string, label: string, lang: string, source: string, text: string }[]} */
  const injectionCorpus = JSON.parse(readFileSync(new URL("../test/fixtures/prompt-injection/corpus.json", import.meta.url), "utf8"));
  /** @type {Map<string, { tp: number, fp: number, fn: number, tn: number }>} */
  const bySource = new Map();
  const total = { tp: 0, fp: 0, fn: 0, tn: 0 };
  /** @type {Map<string, { tp: number, fp: number, fn: number, tn: number }>} */
  const byLang = new Map();
  for (const row of injectionCorpus) {
    const score = new InjectionScore();
    score.add(row.text);
    const hit = score.score >= 0.5;
    const key = row.label === "attack" ? (hit ? "tp" : "fn") : hit ? "fp" : "tn";
    for (const [map, k] of [
      [bySource, row.source.startsWith("derived:") ? row.source : row.source],
      [byLang, row.lang],
    ]) {
      const m = /** @type {Map<string, { tp: number, fp: number, fn: number, tn: number }>} */ (map);
      const c = m.get(/** @type {string} */ (k)) ?? { tp: 0, fp: 0, fn: 0, tn: 0 };
      c[key]++;
      m.set(/** @type {string} */ (k), c);
    }
    total[key]++;
  }
  // Cost of the injection check with its views (normalized, base64, ROT13), per KB of the corpus' attack and benign text.
  const allText = injectionCorpus.map((r) => r.text);
  const corpusKb = Buffer.byteLength(allText.join("")) / 1024;
  const injectionUs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (const t of allText) new InjectionScore().add(t);
    injectionUs.push(((performance.now() - start) * 1000) / corpusKb);
  }

  return {
    injection: { total, bySource: [...bySource], byLang: [...byLang], rows: injectionCorpus.length, usPerKb: median(injectionUs) },
    detectors,
    samples: corpus.length,
    inputKb: kb,
    inputUsPerKb: median(inputUsPerKb),
    piiUsPerKb: median(piiUsPerKb),
    stream,
    chunks: chunks.length,
    parseOnlyUsPerChunk: median(parseOnly),
  };
}

/** @param {Awaited<ReturnType<typeof measureGuardrails>>} r */
export function guardrailLines(r) {
  const pct = (/** @type {number} */ x) => `${(x * 100).toFixed(0)}%`;
  const rows = r.detectors.map((d) => `| ${d.detector} | ${d.tp} | ${d.fp} | ${d.fn} | ${pct(d.precision)} | ${pct(d.recall)} |`);
  const inj = r.injection;
  const pr = (/** @type {{ tp: number, fp: number, fn: number }} */ c) => ({
    precision: c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp),
    recall: c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn),
  });
  const all = pr(inj.total);
  const injectionRows = inj.bySource.map(
    ([source, c]) => `| ${source} | ${c.tp + c.fn + c.fp + c.tn} | ${c.tp + c.fn > 0 ? `${c.tp}/${c.tp + c.fn} caught` : `${c.fp}/${c.fp + c.tn} flagged`} |`,
  );
  return [
    `Prompt-injection check on the published corpus (${inj.rows} prompts, test/fixtures/prompt-injection/, threshold 0.5): precision ${pct(all.precision)}, recall ${pct(all.recall)} (TP ${inj.total.tp}, FP ${inj.total.fp}, FN ${inj.total.fn}, TN ${inj.total.tn}); ` +
      inj.byLang.map(([lang, c]) => `${lang}: precision ${pct(pr(c).precision)}, recall ${pct(pr(c).recall)}`).join("; ") +
      `; ${inj.usPerKb.toFixed(1)} µs per KB with its normalized, base64 and ROT13 views.`,
    "",
    "| source | rows | outcome |",
    "|---|---|---|",
    ...injectionRows,
    "",
    `Guardrails: detector precision/recall on the labelled corpus (${r.samples} samples, test/guardrails/pii-corpus.json, tricky negatives included):`,
    "",
    "| detector | TP | FP | FN | precision | recall |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    `Input scan (all 8 PII detectors, 1,000 deny terms, injection set; ${r.inputKb.toFixed(1)} KB prompt): ${r.inputUsPerKb.toFixed(1)} µs/KB; the PII pass alone ${r.piiUsPerKb.toFixed(1)} µs/KB (median of ${ROUNDS}).`,
    `Output stream guard (all 8 detectors, redact; ${r.chunks} chunks of 4 characters): ` +
      r.stream.map((s) => `window ${s.window}: ${s.usPerChunk.toFixed(1)} µs/chunk`).join(", ") +
      `; parsing the chunk JSON alone costs ${r.parseOnlyUsPerChunk.toFixed(1)} µs/chunk. Content is held back by at most the window (plus an unfinished token), i.e. ~window/4 tokens of added latency.`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(guardrailLines(await measureGuardrails()).join("\n") + "\n");
}
