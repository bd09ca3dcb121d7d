/**
 * Exact prompt-token counts, off the event loop: one worker thread runs js-tiktoken
 * with encoders cached per encoding. Every job has a time budget; past it the caller
 * gets null and admits on the estimate. Inside the worker, text is cut into chunks
 * at whitespace, and runs of more than 64 non-space characters are cut too, because
 * js-tiktoken's merge is quadratic in the length of one piece (10k of one letter
 * takes seconds); on ordinary text the cuts fall between pieces and the count is the
 * tokenizer's own. The worker is started on first use and never keeps the process alive.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export type Encoding = "o200k_base" | "cl100k_base";

/** The tokenizer a model name most likely uses (OpenAI's newer models: o200k; everything else: cl100k as an approximation). */
export function encodingFor(model: string): Encoding {
  return /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o)/.test(model) ? "o200k_base" : "cl100k_base";
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { Tiktoken } = require(workerData.lite);
const encoders = new Map();
function encoder(name) {
  let e = encoders.get(name);
  if (e === undefined) { e = new Tiktoken(require(workerData.ranks[name])); encoders.set(name, e); }
  return e;
}
// Load both encoders at start: loading one takes longer than a job's budget.
encoder("o200k_base");
encoder("cl100k_base");
parentPort.postMessage({ ready: true });
const MAX_RUN = 64, CHUNK = 2048;
function count(enc, text, deadline) {
  let tokens = 0, start = 0, run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 13 || c === 9;
    if (space) run = 0; else run++;
    if (run > MAX_RUN || (space && c === 32 && i - start >= CHUNK)) {
      tokens += enc.encode(text.slice(start, i)).length;
      start = i;
      run = space ? 0 : 1;
      if (Date.now() > deadline) return -1;
    }
  }
  if (start < text.length) tokens += enc.encode(text.slice(start)).length;
  return tokens;
}
parentPort.on("message", (job) => {
  if (Date.now() > job.deadline) return parentPort.postMessage({ id: job.id, tokens: -1 });
  const enc = encoder(job.encoding);
  let total = 0;
  for (const text of job.texts) {
    const n = count(enc, text, job.deadline);
    if (n < 0 || Date.now() > job.deadline) return parentPort.postMessage({ id: job.id, tokens: -1 });
    total += n;
  }
  parentPort.postMessage({ id: job.id, tokens: total });
});
`;

export class ExactCounter {
  #worker: Worker | null = null;
  #next = 1;
  #pending = new Map<number, (tokens: number | null) => void>();

  #ready: Promise<void> | null = null;
  #markReady: (() => void) | null = null;

  /** Starts the worker ahead of the first count; resolves once its encoders are loaded (seconds on a busy machine). */
  warm(): Promise<void> {
    this.#start();
    return this.#ready!;
  }

  /** Token count of `texts`, or null when it could not be done within `budgetMs`. */
  count(encoding: Encoding, texts: readonly string[], budgetMs: number): Promise<number | null> {
    const worker = this.#start();
    const id = this.#next++;
    return new Promise((resolve) => {
      // The worker checks the deadline itself; this timer covers a worker that died or is far behind.
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(null);
      }, budgetMs + 50);
      timer.unref();
      this.#pending.set(id, (tokens) => {
        clearTimeout(timer);
        resolve(tokens);
      });
      worker.postMessage({ id, encoding, texts, deadline: Date.now() + budgetMs });
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    for (const resolve of this.#pending.values()) resolve(null);
    this.#pending.clear();
    if (worker !== null) await worker.terminate();
  }

  #start(): Worker {
    if (this.#worker !== null) return this.#worker;
    const require = createRequire(import.meta.url);
    const workerData = {
      lite: require.resolve("js-tiktoken/lite"),
      ranks: { o200k_base: require.resolve("js-tiktoken/ranks/o200k_base"), cl100k_base: require.resolve("js-tiktoken/ranks/cl100k_base") },
    };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    worker.unref();
    this.#ready = new Promise((resolve) => {
      this.#markReady = resolve;
    });
    worker.on("message", (msg: { id: number; tokens: number; ready?: true }) => {
      if (msg.ready === true) {
        this.#markReady?.();
        return;
      }
      const resolve = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      resolve?.(msg.tokens < 0 ? null : msg.tokens);
    });
    worker.on("error", () => {
      this.#markReady?.();
      // A crashed counter must not take the gateway down: pending jobs fall back to the estimate.
      for (const resolve of this.#pending.values()) resolve(null);
      this.#pending.clear();
      this.#worker = null;
    });
    this.#worker = worker;
    return worker;
  }
}
