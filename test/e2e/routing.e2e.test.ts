/**
 * Smart routing end to end, against both listeners, with the official `openai`
 * client: weighted shares, GPU-pool shares as compiled, session and prefix affinity
 * (sticky, and spilling when an endpoint is over its load bound), and route matchers
 * on consumer, team, tags, prompt size, content and path. Three mock upstreams play
 * three endpoints; which one served a request is read from the request id each mock
 * logged, and shares from the gateway's own attempt counters.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml } from "../support/compile.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { KEY_APP, KEY_GOLD, KEY_RESEARCH, routingPolicy } from "../support/routing-policy.js";
import { LISTENERS } from "../support/listeners.js";

const HELLO = [{ role: "user" as const, content: "Hello!" }];

/** χ² of observed counts against expected shares. */
function chiSquare(counts: readonly number[], shares: readonly number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((sum, c, i) => sum + (c - n * shares[i]!) ** 2 / (n * shares[i]!), 0);
}
/** χ² critical values at p = 1e-6 (so a correct router fails about once in a million runs), by degrees of freedom. */
const CHI2_1E6 = [0, 23.93, 27.63, 30.66];

describe.each(LISTENERS)("smart routing end to end (%s listener)", (server) => {
  let mocks: MockUpstream[];
  let gw: Gateway;
  const client = (key = KEY_APP, headers: Record<string, string> = {}): OpenAI => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0, defaultHeaders: headers });

  beforeAll(async () => {
    setQuietLogs(true);
    mocks = await Promise.all([0, 1, 2].map(() => startMockUpstream({ port: 0 })));
    const plan = compileYaml(routingPolicy([mocks[0]!.port, mocks[1]!.port, mocks[2]!.port]));
    gw = await startGateway({ plan, port: 0, server });
  });

  afterAll(async () => {
    await gw?.close();
    await Promise.all((mocks ?? []).map((m) => m.close()));
  });

  /** Successful attempts per upstream name, from the gateway's metrics. */
  const attemptsByUpstream = async (): Promise<Map<string, number>> => {
    const samples = parsePrometheusText(await gw.metrics.registry.metrics());
    const out = new Map<string, number>();
    for (const s of samples) {
      if (s.name === "tollgate_upstream_attempts_total" && s.labels.outcome === "success") out.set(s.labels.gen_ai_provider_name!, s.value);
    }
    return out;
  };

  /** Which mock (0, 1, 2) received the request with this id. */
  let seq = 0;
  const servedBy = async (model: string, headers: Record<string, string>, messages = HELLO): Promise<number> => {
    const id = `rt-${server}-${++seq}`;
    await client(KEY_APP, { ...headers, "x-request-id": id }).chat.completions.create({ model, messages });
    const index = mocks.findIndex((m) => m.requests.some((r) => r.headers["x-request-id"] === id));
    expect(index, `request ${id} reached no mock`).toBeGreaterThanOrEqual(0);
    return index;
  };

  it("splits traffic by weight within statistical tolerance", async () => {
    const counts = new Map<string, number>();
    const c = client();
    for (let i = 0; i < 480; i++) {
      const answer = await c.chat.completions.create({ model: "split", messages: HELLO });
      counts.set(answer.model, (counts.get(answer.model) ?? 0) + 1);
    }
    const observed = ["split-a", "split-b", "split-c"].map((m) => counts.get(m) ?? 0);
    expect(chiSquare(observed, [3 / 6, 1 / 6, 2 / 6])).toBeLessThan(CHI2_1E6[2]!);
  });

  it("sends a GPU pool the shares of its compiled table", async () => {
    const before = await attemptsByUpstream();
    const c = client();
    for (let i = 0; i < 450; i++) await c.chat.completions.create({ model: "gpu", messages: HELLO });
    const after = await attemptsByUpstream();
    const names = ["gpus/h100", "gpus/a100-x", "gpus/a100-y"];
    const observed = names.map((n) => (after.get(n) ?? 0) - (before.get(n) ?? 0));
    expect(observed.reduce((a, b) => a + b, 0)).toBe(450);
    // 2 × H100 at 3, 2 × A100 at 1, 1 × A100 at 1: weights 6, 2, 1.
    expect(chiSquare(observed, [6 / 9, 2 / 9, 1 / 9])).toBeLessThan(CHI2_1E6[2]!);
  });

  it("keeps a session on one endpoint, and spreads different sessions", async () => {
    const homes = new Set<number>();
    for (let s = 0; s < 12; s++) {
      const seen = new Set<number>();
      for (let k = 0; k < 4; k++) seen.add(await servedBy("sessions", { "x-session-id": `session-${s}` }));
      expect(seen.size, `session-${s}`).toBe(1);
      homes.add([...seen][0]!);
    }
    expect(homes.size).toBeGreaterThan(1);
  });

  it("spills a session to the next endpoint while its own is over the load bound, then returns", async () => {
    const session = { "x-session-id": "busy-session" };
    const home = await servedBy("held", session);
    const concurrent = await Promise.all([0, 1, 2, 3, 4, 5].map(() => servedBy("held", session)));
    expect(new Set(concurrent).size).toBeGreaterThan(1);
    expect(concurrent).toContain(home);
    expect(await servedBy("held", session)).toBe(home);
  });

  it("keeps growing conversations with a shared prefix on the endpoint that holds it", async () => {
    const system = { role: "system" as const, content: "You are a careful assistant. ".repeat(20) };
    for (let conv = 0; conv < 8; conv++) {
      const messages: { role: "system" | "user" | "assistant"; content: string }[] = [system, { role: "user", content: `Conversation ${conv}: ${"context ".repeat(30)}` }];
      const seen = new Set<number>();
      for (let turn = 0; turn < 4; turn++) {
        seen.add(await servedBy("prefixes", {}, messages as typeof HELLO));
        messages.push({ role: "assistant", content: `answer ${turn}` }, { role: "user", content: `follow-up ${turn}` });
      }
      expect(seen.size, `conversation ${conv}`).toBe(1);
    }
  });

  it("routes on consumer team and tags, prompt size, content and path, first match first", async () => {
    const ask = async (key: string, content: string): Promise<string> =>
      (await client(key).chat.completions.create({ model: "auto", messages: [{ role: "user", content }] })).model;
    expect(await ask(KEY_RESEARCH, "hi")).toBe("research-echo");
    expect(await ask(KEY_GOLD, "hi")).toBe("gold-echo");
    expect(await ask(KEY_APP, "x".repeat(9000))).toBe("large-echo");
    expect(await ask(KEY_APP, "Please prove that the sum is even.")).toBe("large-echo");
    expect(await ask(KEY_APP, "Fix this: def main(): pass")).toBe("large-echo");
    expect(await ask(KEY_APP, "Improve this sentence.")).toBe("small-echo");
    expect(await ask(KEY_APP, "hi")).toBe("small-echo");
    // The team route comes first: research's long prompts still go to research.
    expect(await ask(KEY_RESEARCH, "x".repeat(9000))).toBe("research-echo");
  });

  it("streams through a selection program like any other request", async () => {
    const stream = await client(KEY_APP, { "x-session-id": "stream-session" }).chat.completions.create({ model: "sessions", stream: true, messages: HELLO });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toMatch(/mock/);
  });
});
