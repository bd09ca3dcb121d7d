// @ts-check
/**
 * Stream decoder cost: the OpenAI-compatible decoder's per-stream work on a 20-token
 * mock stream (22 events + [DONE], one event per chunk as the mock paces them), in its
 * two modes: pass-through (the client asked for usage: bytes go out as they came) and
 * hiding (the gateway asked for usage: `"usage":null` cut from every event, the usage
 * chunk dropped), each with and without counting the generated characters (a plan with no
 * quotas, ledger or audit log reads none), each event a fresh copy as a socket read brings
 * it (the copy is in the figure). Also the request side: splicing `stream_options` into the client's
 * bytes. Medians of 5 runs of 20,000 streams, in microseconds per stream; a CPU-bound
 * micro-benchmark, so it is far less sensitive to a busy machine than the load tests.
 * Run alone with `node bench/stream-decoder.mjs` (after `npm run build`).
 */
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const STREAMS = 20_000;
const RUNS = 5;

/** @param {boolean} usage */
function mockStream(usage) {
  const head = 'data: {"id":"chatcmpl-mock-1","object":"chat.completion.chunk","created":1,"model":"bench","system_fingerprint":null,';
  const tail = usage ? ',"usage":null}\n\n' : "}\n\n";
  const events = [`${head}"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]${tail}`];
  for (let i = 0; i < 20; i++) events.push(`${head}"choices":[{"index":0,"delta":{"content":"word${i} "},"logprobs":null,"finish_reason":null}]${tail}`);
  events.push(`${head}"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]${tail}`);
  if (usage) events.push(`${head}"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":20,"total_tokens":29}}\n\n`);
  events.push("data: [DONE]\n\n");
  return events.map((e) => Buffer.from(e));
}

/** @param {() => void} fn */
function median(fn) {
  fn();
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    fn();
    runs.push(((performance.now() - start) * 1000) / STREAMS);
  }
  return runs.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? NaN;
}

export async function measureStreamDecoder() {
  const { OpenAIStreamDecoder } = await import("../dist/runtime/adapters/openai-compatible/stream.js");
  const { openAIBody } = await import("../dist/runtime/adapters/openai-compatible/request.js");
  const { validateChatRequest } = await import("../dist/runtime/canonical/chat-request.js");
  const withUsage = mockStream(true);
  const plain = mockStream(false);
  const run =
    (/** @type {Buffer[]} */ events, /** @type {boolean} */ hide, count = true) =>
    () => {
      for (let s = 0; s < STREAMS; s++) {
        const d = new OpenAIStreamDecoder(hide, count);
        // A fresh copy of each event, as each socket read brings: hiding rewrites its chunk in place.
        for (const e of events) d.push(Buffer.from(e));
        d.end();
        if (!d.complete) throw new Error("decoder missed [DONE]");
      }
    };
  const body = { model: "bench", stream: true, messages: [{ role: "user", content: "x".repeat(400) }] };
  const raw = Buffer.from(JSON.stringify(body));
  const quirks = { streamUsage: true, renameParams: {}, dropParams: [], tools: true, jsonMode: true };
  const ctx = { target: {}, request: validateChatRequest(body).request, rawBody: raw, stream: true, requestId: "r", clientWantsStreamUsage: false };
  return {
    passThroughUs: median(run(withUsage, false)),
    hidingUs: median(run(withUsage, true)),
    hidingUncountedUs: median(run(withUsage, true, false)),
    passThroughUncountedUs: median(run(withUsage, false, false)),
    noUsageUs: median(run(plain, true)),
    spliceUs: median(() => {
      for (let s = 0; s < STREAMS; s++) openAIBody(ctx, quirks, "bench");
    }),
  };
}

/** @param {Awaited<ReturnType<typeof measureStreamDecoder>>} r */
export function streamDecoderLine(r) {
  const us = (/** @type {number} */ v) => `${v.toFixed(2)} µs`;
  return (
    `Stream decoder (openai-compatible, 20-token stream, one event per chunk): pass-through ${us(r.passThroughUs)}, ` +
    `hiding the gateway's usage request ${us(r.hidingUs)}, upstream without usage ${us(r.noUsageUs)} per stream; ` +
    `on a plan that does not read the generated characters (no quotas, ledger or audit) ${us(r.hidingUncountedUs)} hiding, ${us(r.passThroughUncountedUs)} pass-through; ` +
    `splicing stream_options into a 450-byte body ${us(r.spliceUs)} per request (medians of ${RUNS} × ${STREAMS.toLocaleString("en-US")}).`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(streamDecoderLine(await measureStreamDecoder()) + "\n");
}
