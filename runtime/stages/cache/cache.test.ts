import { describe, expect, it } from "vitest";
import { AnswerAssembler } from "./assemble-answer.js";
import { AnswerTee } from "./answer-tee.js";
import { exactKey, temperatureAllows } from "./cache-key.js";
import { EntryCipher } from "./cipher.js";
import { LruBytes } from "./lru-bytes.js";
import { replayAsStream } from "./replay-stream.js";
import { semanticPartition, semanticText } from "./route-cache.js";
import { LocalSemanticStore } from "./semantic/semantic-store.js";
import { unit } from "./semantic/embed-client.js";
import { VectorPartition } from "./semantic/vector-partition.js";
import { chatRequest } from "../../../test/support/chat-request.js";

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe("LruBytes", () => {
  it("expires entries at their TTL on the injected clock", () => {
    const clock = manualClock();
    const lru = new LruBytes<string>(1000, clock.now);
    lru.set("k", "v", 10, 5000);
    clock.advance(4999);
    expect(lru.get("k")).toBe("v");
    clock.advance(1);
    expect(lru.get("k")).toBeUndefined();
    expect(lru.bytes).toBe(0);
  });

  it("evicts the least recently used entries to stay within its byte bound", () => {
    const lru = new LruBytes<string>(100, () => 0);
    lru.set("a", "A", 40, 1e9);
    lru.set("b", "B", 40, 1e9);
    expect(lru.get("a")).toBe("A"); // a is now the most recent
    lru.set("c", "C", 40, 1e9);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe("A");
    expect(lru.bytes).toBe(80);
    lru.set("huge", "H", 101, 1e9);
    expect(lru.get("huge")).toBeUndefined();
  });
});

describe("cache keys", () => {
  it("ignore key order and delivery fields, but not parameters that change the answer", () => {
    const base = exactKey("a", "m", { model: "x", messages: [{ role: "user", content: "hi" }], temperature: 0 });
    expect(exactKey("a", "m", { temperature: 0, stream: true, user: "u", messages: [{ content: "hi", role: "user" }] })).toBe(base);
    expect(exactKey("a", "m", { model: "x", messages: [{ role: "user", content: "hi" }], temperature: 0.5 })).not.toBe(base);
    expect(exactKey("b", "m", { model: "x", messages: [{ role: "user", content: "hi" }], temperature: 0 })).not.toBe(base);
    expect(exactKey("a", "other", { model: "x", messages: [{ role: "user", content: "hi" }], temperature: 0 })).not.toBe(base);
  });

  it("treat a missing temperature as 1", () => {
    expect(temperatureAllows(undefined, 0)).toBe(false);
    expect(temperatureAllows(0, 0)).toBe(true);
    expect(temperatureAllows(chatRequest({ messages: [{ role: "user", content: "x" }], temperature: 0 }).temperature, 0)).toBe(true);
    expect(temperatureAllows(undefined, null)).toBe(true);
  });

  it("compare only the last user message semantically, within the same context", () => {
    const body = (q: string, system = "s") =>
      chatRequest({
        messages: [
          { role: "system", content: system },
          { role: "user", content: q },
        ],
      });
    expect(semanticText(body("q"))).toBe("q");
    expect(
      semanticText(
        chatRequest({
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: "a" },
                { type: "image_url", image_url: {} },
              ],
            },
          ],
        }),
      ),
    ).toBeNull();
    expect(semanticText(chatRequest({ messages: [{ role: "assistant", content: "x" }] }))).toBeNull();
    expect(semanticPartition("a", "m", body("q1"))).toBe(semanticPartition("a", "m", body("q2")));
    expect(semanticPartition("a", "m", body("q1"))).not.toBe(semanticPartition("a", "m", body("q1", "other system")));
  });
});

describe("EntryCipher", () => {
  it("round-trips, hides the plaintext, and refuses another key's entry or a tampered one", () => {
    const cipher = new EntryCipher("00".repeat(32));
    const sealed = cipher.seal(Buffer.from("the answer"), "key-1");
    expect(sealed.toString("latin1")).not.toContain("the answer");
    expect(cipher.open(sealed, "key-1")?.toString()).toBe("the answer");
    expect(cipher.open(sealed, "key-2")).toBeNull();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(cipher.open(tampered, "key-1")).toBeNull();
    expect(new EntryCipher("a passphrase").open(sealed, "key-1")).toBeNull();
  });
});

describe("answers", () => {
  const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
    id: "c1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });

  it("assemble a stream into one completion, tool calls merged by index", () => {
    const a = new AnswerAssembler();
    a.add(chunk({ role: "assistant", content: "" }));
    a.add(chunk({ content: "Hel" }));
    a.add(chunk({ content: "lo" }));
    a.add(chunk({ tool_calls: [{ index: 0, id: "t1", type: "function", function: { name: "get", arguments: '{"a"' } }] }));
    a.add(chunk({ tool_calls: [{ index: 0, function: { arguments: ":1}" } }] }));
    expect(a.result()).toBeNull(); // no finish_reason yet: incomplete
    a.add(chunk({}, "tool_calls"));
    a.add({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } });
    const r = a.result() as { choices: { message: { content: string; tool_calls: unknown[] }; finish_reason: string }[]; usage: unknown };
    expect(r.choices[0]!.message.content).toBe("Hello");
    expect(r.choices[0]!.message.tool_calls).toEqual([{ id: "t1", type: "function", function: { name: "get", arguments: '{"a":1}' } }]);
    expect(r.choices[0]!.finish_reason).toBe("tool_calls");
    expect(r.usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
  });

  it("replay as a stream that assembles back to the same completion", () => {
    const answer = {
      id: "c9",
      object: "chat.completion",
      created: 5,
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: "x".repeat(150), refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
    const sse = replayAsStream(answer, true);
    expect(sse.endsWith("data: [DONE]\n\n")).toBe(true);
    const tee = new AnswerTee();
    let got: unknown = null;
    tee.listen((a) => (got = a));
    // Split anywhere: the tee must cope with frames cut across chunks.
    const bytes = Buffer.from(sse);
    for (let i = 0; i < bytes.length; i += 7) tee.pushStream(bytes.subarray(i, i + 7));
    tee.endStream(true);
    expect(got).toEqual(answer);
  });

  it("keeps nothing from a stream that did not complete or carried an error", () => {
    const tee = new AnswerTee();
    let calls = 0;
    tee.listen(() => calls++);
    tee.pushStream(Buffer.from(`data: ${JSON.stringify(chunk({ content: "a" }, "stop"))}\n\n`));
    tee.endStream(false);
    const errored = new AnswerTee();
    errored.listen(() => calls++);
    errored.pushStream(Buffer.from(`data: ${JSON.stringify(chunk({ content: "a" }, "stop"))}\n\ndata: {"error":{"message":"x"}}\n\ndata: [DONE]\n\n`));
    errored.endStream(true);
    expect(calls).toBe(0);
  });
});

describe("semantic store (in-process)", () => {
  it("finds the nearest live entry at or above the threshold, and forgets it after the TTL", async () => {
    const clock = manualClock();
    const store = new LocalSemanticStore({ threshold: 0.9, ttlMs: 60_000, maxEntries: 10, cipher: new EntryCipher("k"), now: clock.now });
    await store.insert("p", unit([1, 0, 0]), Buffer.from("x-axis"));
    await store.insert("p", unit([0, 1, 0]), Buffer.from("y-axis"));
    expect((await store.lookup("p", unit([1, 0.1, 0])))?.answer.toString()).toBe("x-axis");
    expect(await store.lookup("p", unit([1, 1, 0]))).toBeNull(); // cosine 0.707 < 0.9
    expect(await store.lookup("other", unit([1, 0, 0]))).toBeNull();
    clock.advance(60_000);
    expect(await store.lookup("p", unit([1, 0, 0]))).toBeNull();
  });

  it("keeps at most maxEntries per partition, overwriting the oldest", () => {
    const p = new VectorPartition<number>(3);
    for (let i = 0; i < 5; i++) p.add(unit([1, i, 0]), i, Infinity);
    expect(p.size).toBe(3);
    expect(p.best(unit([1, 0, 0]), 0, 0)?.value).toBe(2);
    expect(p.add(unit([1, 0]), 9, Infinity)).toBe(false);
  });
});
