/**
 * ChatCall against a fake driver: the plan is compiled and linked for real (real
 * adapters, planner, breakers), but every upstream pool is a fake that records each
 * dispatched attempt, and the test plays the upstream's part by calling the attempt's
 * undici handler callbacks (headers, body chunks, completion, errors) in the order it
 * chooses. Timers are faked, so retries, first-token timeouts and hedges fire when the
 * test advances the clock. No socket is opened.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Dispatcher } from "undici";
import { compileYaml } from "../../test/support/compile.js";
import { linkPlan } from "../plan/link-plan.js";
import type { LinkedPlan } from "../plan/linked-plan.js";
import { ServedPlan } from "../plan/served-plan.js";
import { RequestRecord } from "../base/request-record.js";
import type { BodyFailure, Exchange, HeaderList } from "../server/exchange.js";
import { ChatCall } from "./chat-call.js";
import { validateChatRequest } from "../canonical/chat-request.js";
import { setQuietLogs } from "../base/log.js";

const POLICY = `apiVersion: tollgate/v1
providers:
  - { name: a, kind: openai-compatible, baseUrl: "http://a.test/v1" }
  - { name: b, kind: openai-compatible, baseUrl: "http://b.test/v1", timeouts: { firstToken: 300ms } }
  - { name: c, kind: openai-compatible, baseUrl: "http://c.test/v1" }
models:
  - name: plain
    targets: [{ provider: a, model: pa }]
  - name: retrying
    targets: [{ provider: a, model: ra }]
    retry: { attempts: 1, backoff: { base: 50ms, max: 50ms } }
  - name: per-class
    targets: [{ provider: a, model: ca }]
    fallbacks:
      - { provider: b, model: cb }
      - { provider: c, model: cc, on: [context_too_long] }
  - name: ttft
    targets: [{ provider: b, model: tb }]
    fallbacks: [{ provider: c, model: tc }]
  - name: hedged
    targets: [{ provider: a, model: ha }]
    fallbacks: [{ provider: c, model: hc }]
    hedge: { delay: 100ms }
  - name: degraded
    targets: [{ provider: a, model: da }]
    degraded: { status: 200, message: "placeholder" }
consumers:
  - { name: c, keys: [{ sha256: "${"0".repeat(64)}" }] }
`;

/** One attempt the fake pool received: its request and the handler to drive. */
interface Dispatched {
  readonly upstream: string;
  readonly model: string;
  readonly handler: Dispatcher.DispatchHandler;
  aborted: Error | null;
}

/** A fake client connection: records what the call sends. */
class FakeExchange implements Exchange {
  readonly method = "POST";
  readonly path = "/v1/chat/completions";
  readonly headers = {};
  aborted = false;
  started = false;
  extraHeaders: HeaderList = [];
  status = 0;
  responseHeaders: HeaderList = [];
  body = "";
  ended = false;
  #abort: (() => void) | null = null;
  onAbort(cb: () => void): void {
    this.#abort = cb;
  }
  readBody(): Promise<Buffer | BodyFailure> {
    throw new Error("not used");
  }
  send(status: number, headers: HeaderList, body: string | Uint8Array): void {
    this.started = this.ended = true;
    this.status = status;
    this.responseHeaders = headers;
    this.body = Buffer.from(body).toString();
  }
  beginStream(status: number, headers: HeaderList): void {
    this.started = true;
    this.status = status;
    this.responseHeaders = headers;
  }
  write(chunk: string | Uint8Array): boolean {
    this.body += Buffer.from(chunk).toString();
    return true;
  }
  onDrain(): void {}
  end(): void {
    this.ended = true;
  }
  close(): void {
    this.ended = true;
  }
  header(name: string): string | undefined {
    return this.responseHeaders.find(([n]) => n === name)?.[1];
  }
  /** The client goes away. */
  leave(): void {
    this.aborted = true;
    this.#abort?.();
  }
}

let plan: LinkedPlan;
let served: ServedPlan;
let dispatched: Dispatched[];

beforeEach(() => {
  setQuietLogs(true);
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  plan = linkPlan(compileYaml(POLICY), {});
  served = new ServedPlan(plan);
  dispatched = [];
  const upstreams = new Set(plan.models.flatMap((m) => [...m.weighted, ...m.fallbacks].map((t) => t.upstream)));
  for (const upstream of upstreams) {
    const fake = {
      dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
        const entry: Dispatched = { upstream: upstream.name, model: (JSON.parse(String(opts.body)) as { model: string }).model, handler, aborted: null };
        dispatched.push(entry);
        handler.onConnect?.((err?: Error) => {
          entry.aborted = err ?? new Error("aborted");
          handler.onError?.(entry.aborted);
        });
        return true;
      },
    };
    (upstream as { pool: unknown }).pool = fake;
  }
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await served.close();
});

function start(modelName: string, stream = false): { ex: FakeExchange; record: RequestRecord } {
  const model = plan.models.find((m) => m.name === modelName)!;
  const ex = new FakeExchange();
  const record = new RequestRecord(served, "req-1", "chat_completions", []);
  const checked = validateChatRequest({ model: modelName, messages: [{ role: "user", content: "hi" }], stream });
  if (!checked.ok) throw new Error(checked.message);
  const request = checked.request;
  new ChatCall({
    exchange: ex,
    requestId: "req-1",
    model,
    first: model.weighted[0]!,
    rawBody: null,
    request,
    requestedModel: modelName,
    stream,
    record,
    health: plan.health,
  }).start();
  return { ex, record };
}

const raw = (pairs: [string, string][]): Buffer[] => pairs.flatMap(([n, v]) => [Buffer.from(n), Buffer.from(v)]);

/** The upstream answers `status` with a JSON body. */
function answer(d: Dispatched, status: number, body: object): void {
  d.handler.onHeaders?.(status, raw([["content-type", "application/json"]]), () => undefined, "");
  d.handler.onData?.(Buffer.from(JSON.stringify(body)));
  d.handler.onComplete?.([]);
}

const completion = (model: string, text = "hello") => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model,
  choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
});

const chunk = (model: string, delta: object, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

function streamHead(d: Dispatched): void {
  d.handler.onHeaders?.(200, raw([["content-type", "text/event-stream"]]), () => undefined, "");
}
function streamData(d: Dispatched, text: string): void {
  d.handler.onData?.(Buffer.from(text));
}

describe("ChatCall (fake upstream driver)", () => {
  it("relays a non-streamed answer from the first target, with one attempt", () => {
    const { ex, record } = start("plain");
    expect(dispatched.map((d) => d.model)).toEqual(["pa"]);
    answer(dispatched[0]!, 200, completion("pa"));
    expect(ex.status).toBe(200);
    expect(JSON.parse(ex.body).choices[0].message.content).toBe("hello");
    expect(ex.header("x-tollgate-attempts")).toBe("1");
    expect(record.attempts?.map((a) => a.outcome)).toEqual(["success"]);
  });

  it("retries the same target after the backoff, then answers", async () => {
    // Full jitter draws the delay from [0, 50 ms): a draw under 1/50 is no wait at all
    // (seen once in CI). A fixed draw makes the backoff 25 ms.
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const { ex, record } = start("retrying");
    answer(dispatched[0]!, 503, { error: { message: "busy", type: "server_error", param: null, code: null } });
    expect(dispatched).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(dispatched.map((d) => d.model)).toEqual(["ra", "ra"]);
    answer(dispatched[1]!, 200, completion("ra"));
    expect(ex.status).toBe(200);
    expect(ex.header("x-tollgate-attempts")).toBe("2");
    expect(record.retried).toEqual(["overloaded"]);
  });

  it("falls back only to the entries whose conditions name the failure's class", () => {
    const { ex } = start("per-class");
    answer(dispatched[0]!, 400, { error: { message: "too long", type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } });
    expect(dispatched.map((d) => d.model)).toEqual(["ca", "cc"]);
    answer(dispatched[1]!, 200, completion("cc"));
    expect(ex.status).toBe(200);
  });

  it("answers the last failure when the order is exhausted", () => {
    const { ex } = start("per-class");
    answer(dispatched[0]!, 500, { error: { message: "oops", type: "server_error", param: null, code: null } });
    answer(dispatched[1]!, 500, { error: { message: "oops", type: "server_error", param: null, code: null } });
    expect(dispatched.map((d) => d.model)).toEqual(["ca", "cb"]);
    expect(ex.status).toBe(502);
    expect(JSON.parse(ex.body).error.code).toBe("upstream_error");
  });

  it("streams: relays chunks, and ends a stream cut after the commit point with an error event, never [DONE]", () => {
    const { ex, record } = start("plain", true);
    const d = dispatched[0]!;
    streamHead(d);
    streamData(d, chunk("pa", { role: "assistant", content: "" }) + chunk("pa", { content: "Hel" }));
    vi.advanceTimersByTime(0);
    d.handler.onError?.(Object.assign(new Error("socket hang up"), { code: "UND_ERR_SOCKET" }));
    vi.advanceTimersByTime(0);
    expect(ex.status).toBe(200);
    expect(ex.body).toContain('"content":"Hel"');
    expect(ex.body).toContain('"code":"upstream_stream_interrupted"');
    expect(ex.body).not.toContain("[DONE]");
    expect(dispatched).toHaveLength(1);
    expect(record.lastAttempt?.outcome).toBe("interrupted");
  });

  it("a first token later than the target's limit falls back before anything was sent", async () => {
    const { ex } = start("ttft", true);
    streamHead(dispatched[0]!);
    streamData(dispatched[0]!, chunk("tb", { role: "assistant", content: "" }));
    await vi.advanceTimersByTimeAsync(310);
    expect(dispatched[0]!.aborted).not.toBeNull();
    expect(dispatched.map((d) => d.model)).toEqual(["tb", "tc"]);
    const d = dispatched[1]!;
    streamHead(d);
    streamData(d, chunk("tc", { content: "ok" }, "stop") + "data: [DONE]\n\n");
    d.handler.onComplete?.([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(ex.body).toContain('"content":"ok"');
    expect(ex.body).not.toContain('"model":"tb"');
  });

  it("a hedge whose first token comes first wins: promoted, the first attempt aborted", async () => {
    const { ex, record } = start("hedged", true);
    streamHead(dispatched[0]!);
    await vi.advanceTimersByTimeAsync(110);
    expect(dispatched.map((d) => d.model)).toEqual(["ha", "hc"]);
    const rival = dispatched[1]!;
    streamHead(rival);
    streamData(rival, chunk("hc", { role: "assistant", content: "fast" }));
    expect(dispatched[0]!.aborted).not.toBeNull();
    streamData(rival, chunk("hc", {}, "stop") + "data: [DONE]\n\n");
    rival.handler.onComplete?.([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(ex.body).toContain('"content":"fast"');
    expect(record.hedge).toBe(2);
    expect(ex.header("x-tollgate-attempts")).toBe("2");
  });

  it("a hedge loses when the first attempt's token comes first: the rival is aborted", async () => {
    const { record } = start("hedged", true);
    const first = dispatched[0]!;
    streamHead(first);
    await vi.advanceTimersByTimeAsync(110);
    streamHead(dispatched[1]!);
    streamData(first, chunk("ha", { role: "assistant", content: "primary" }));
    expect(dispatched[1]!.aborted).not.toBeNull();
    expect(record.hedge).toBe(1);
  });

  it("a failing first attempt hands the race to the hedge instead of deciding", async () => {
    const { ex } = start("hedged", false);
    await vi.advanceTimersByTimeAsync(110);
    expect(dispatched).toHaveLength(2);
    answer(dispatched[0]!, 500, { error: { message: "oops", type: "server_error", param: null, code: null } });
    expect(dispatched).toHaveLength(2);
    answer(dispatched[1]!, 200, completion("hc"));
    expect(ex.status).toBe(200);
    expect(JSON.parse(ex.body).model).toBe("hc");
  });

  it("serves the degraded answer when every attempt failed", () => {
    const { ex, record } = start("degraded");
    answer(dispatched[0]!, 503, { error: { message: "busy", type: "server_error", param: null, code: null } });
    expect(ex.status).toBe(200);
    expect(ex.header("x-tollgate-degraded")).toBe("1");
    expect(JSON.parse(ex.body).choices[0].message.content).toBe("placeholder");
    expect(record.degraded).toBe(true);
  });

  it("a client that leaves aborts the attempt in flight and starts nothing more", async () => {
    const { ex } = start("retrying");
    ex.leave();
    expect(dispatched[0]!.aborted).not.toBeNull();
    await vi.advanceTimersByTimeAsync(100);
    expect(dispatched).toHaveLength(1);
    expect(ex.status).toBe(0);
  });
});
