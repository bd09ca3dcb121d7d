import { describe, expect, it } from "vitest";
import { OpenAIStreamDecoder } from "./stream.js";

const head = 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":null,';
const plain = [
  `${head}"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n`,
  `${head}"choices":[{"index":0,"delta":{"content":"héllo \\"x\\""},"finish_reason":null}]}\n\n`,
  `${head}"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`,
].join("");
const withUsage =
  plain.replaceAll("]}\n\n", '],"usage":null}\n\n') +
  `${head}"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10,"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":1}}}\n\n` +
  "data: [DONE]\n\n";

/** Feeds `text` in pieces of `size` bytes; returns what the decoder let through. */
function run(decoder: OpenAIStreamDecoder, text: string, size: number): string {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    const o = decoder.push(bytes.subarray(i, i + size));
    if (o !== null) out.push(o);
  }
  const tail = decoder.end();
  if (tail !== null) out.push(tail);
  return Buffer.concat(out).toString();
}

describe("OpenAIStreamDecoder", () => {
  for (const size of [1, 7, 64, 100_000]) {
    it(`hides the usage the gateway asked for, byte-identical otherwise (pieces of ${size})`, () => {
      const d = new OpenAIStreamDecoder(true);
      expect(run(d, withUsage, size)).toBe(plain + "data: [DONE]\n\n");
      expect(d.complete).toBe(true);
      expect(d.usage).toEqual({ inputTokens: 7, outputTokens: 3, cachedInputTokens: 2, cacheCreationTokens: 0, reasoningTokens: 1, source: "upstream" });
      expect(d.outputChars).toBe(9);
    });

    it(`passes everything through when the client asked for usage (pieces of ${size})`, () => {
      const d = new OpenAIStreamDecoder(false);
      expect(run(d, withUsage, size)).toBe(withUsage);
      expect(d.usage?.inputTokens).toBe(7);
      expect(d.complete).toBe(true);
    });
  }

  describe("when the plan does not read the generated characters (countOutput false)", () => {
    // A longer answer, with usage on every event as include_usage sends it, an error-looking
    // and a usage-looking text inside a content string, and a CRLF-framed event.
    const events = [
      `${head}"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}\n\n`,
      ...Array.from(
        { length: 12 },
        (_, i) => `${head}"choices":[{"index":0,"delta":{"content":"w${i} \\",\\"usage\\":{\\"prompt_tokens\\":1} "},"finish_reason":null}],"usage":null}\n\n`,
      ),
      `${head}"choices":[{"index":0,"delta":{"content":"data: {\\"error\\":1}"},"finish_reason":null}],"usage":null}\r\n\r\n`,
      `${head}"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}\n\n`,
      `${head}"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":13,"total_tokens":20}}\n\n`,
      "data: [DONE]\n\n",
    ].join("");
    for (const hide of [true, false]) {
      for (const size of [1, 5, 64, 333, 100_000]) {
        it(`relays the same bytes, usage and end as the counting decoder (${hide ? "hiding" : "pass-through"}, pieces of ${size})`, () => {
          const counting = new OpenAIStreamDecoder(hide, true);
          const skipping = new OpenAIStreamDecoder(hide, false);
          expect(run(skipping, events, size)).toBe(run(counting, events, size));
          expect(skipping.usage).toEqual(counting.usage);
          expect(skipping.usage?.outputTokens).toBe(13);
          expect(skipping.complete).toBe(true);
          expect(skipping.error).toBeNull();
          expect(counting.outputChars).toBeGreaterThan(12 * 20);
        });
      }
    }

    it("still fails a stream with no content before [DONE], and still sees an error event after content", () => {
      const empty = new OpenAIStreamDecoder(true, false);
      run(empty, `${head}"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}\n\ndata: [DONE]\n\n`, 9);
      expect(empty.error?.status).toBe(200);
      const errored = new OpenAIStreamDecoder(true, false);
      run(errored, `${withUsage.slice(0, withUsage.indexOf("data: [DONE]"))}data: {"error":{"message":"Overloaded","type":"overloaded_error","code":null}}\n\n`, 17);
      expect(errored.error?.class).toBe("overloaded");
    });
  });

  it("reports a cut stream as incomplete, without usage, with the characters produced", () => {
    const d = new OpenAIStreamDecoder(true);
    const cut = withUsage.slice(0, withUsage.indexOf('finish_reason":"stop') - 40);
    run(d, cut, 13);
    expect(d.complete).toBe(false);
    expect(d.usage).toBeNull();
    expect(d.outputChars).toBe(9);
  });

  it("classifies an error event inside the stream", () => {
    const d = new OpenAIStreamDecoder(true);
    run(d, `${plain}data: {"error":{"message":"Overloaded","type":"overloaded_error","code":null}}\n\n`, 50);
    expect(d.error?.class).toBe("overloaded");
    expect(d.complete).toBe(false);
  });

  it("reads every event whole when openings repeat, change or hold watched keys (the scan skips a repeated opening)", () => {
    const other = 'data: {"id":"another-id","object":"chat.completion.chunk","created":2,"model":"m2",';
    const text = [
      `${head}"choices":[{"index":0,"delta":{"content":"ab"},"finish_reason":null}],"usage":null}\n\n`,
      `${head}"choices":[{"index":0,"delta":{"content":"cde"},"finish_reason":null}],"usage":null}\n\n`,
      // Same opening, then a watched key where the previous event had `choices`.
      `${head}"content":"fg","choices":[{"index":0,"delta":{"content":"h"}}],"usage":null}\n\n`,
      `${other}"choices":[{"index":0,"delta":{"content":"ijkl"},"finish_reason":null}],"usage":null}\n\n`,
      // A watched key first: nothing to remember.
      `data: {"choices":[{"index":0,"delta":{"content":"m"}}],"id":"x","usage":null}\n\n`,
      `${other}"choices":[{"index":0,"delta":{"content":"n\\"o"},"finish_reason":"stop"}],"usage":null}\n\n`,
      `${head}"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":12,"total_tokens":17}}\n\n`,
      "data: [DONE]\n\n",
    ].join("");
    for (const size of [3, 100_000]) {
      const d = new OpenAIStreamDecoder(true);
      const out = run(d, text, size);
      expect(d.outputChars).toBe(2 + 3 + 2 + 1 + 4 + 1 + 3);
      expect(d.usage?.outputTokens).toBe(12);
      expect(out).not.toContain('"usage"');
      expect(out.split("\n\n").length).toBe(8);
    }
  });

  it("keeps comments, CRLF framing and unknown fields", () => {
    const text = `: keep-alive\r\n\r\n${head}"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x":{"k":[1]}}\r\n\r\ndata: [DONE]\n\n`;
    const d = new OpenAIStreamDecoder(true);
    expect(run(d, text, 5)).toBe(text);
    expect(d.complete).toBe(true);
  });

  for (const hide of [true, false]) {
    it(`fails a stream of only [DONE], or a role chunk then [DONE], holding the [DONE] back (${hide ? "hiding" : "pass-through"})`, () => {
      for (const text of ["data: [DONE]\n\n", `${head}"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\ndata: [DONE]\n\n`]) {
        for (const size of [3, 1000]) {
          const d = new OpenAIStreamDecoder(hide);
          const out = run(d, text, size);
          expect(out).not.toContain("[DONE]");
          expect(d.complete).toBe(false);
          expect(d.error).toMatchObject({ class: "server", status: 200 });
        }
      }
    });
  }

  it("an empty answer that says it finished is an answer, not a failure", () => {
    const d = new OpenAIStreamDecoder(false);
    run(d, `${head}"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`, 9);
    expect(d.error).toBeNull();
    expect(d.complete).toBe(true);
  });
});
