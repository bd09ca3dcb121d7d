/**
 * The gateway's one token estimate (schemas/plan/token-estimate.ts): bounded on
 * pathological prompts (where js-tiktoken's merge is quadratic), close to exact cl100k
 * counts on ordinary text in many scripts; and the exact counter, off the event loop,
 * gives the tokenizer's own count on ordinary text and falls back (null) past its
 * budget on pathological text. Timings are measured in bench/quotas.mjs, not asserted
 * here.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Tiktoken } from "js-tiktoken/lite";
import cl100k from "js-tiktoken/ranks/cl100k_base";
import o200k from "js-tiktoken/ranks/o200k_base";
import { afterAll, describe, expect, it } from "vitest";
import { estimateTextTokens } from "../../schemas/plan/token-estimate.js";
import { estimatePromptTokens, promptTexts, promptTokensFromCounts } from "../../runtime/canonical/prompt-tokens.js";
import { encodingFor, ExactCounter } from "../../runtime/canonical/exact-count.js";
import { chatRequest } from "../support/chat-request.js";
import { REPO_ROOT } from "../support/repo-paths.js";
import { TOKEN_CORPUS } from "../support/token-corpus.js";

const ONE_LETTER = "a".repeat(1 << 20);
const CJK = Array.from({ length: 200_000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))).join("");
const BASE64 = randomBytes(786_432).toString("base64");

const prose = readFileSync(resolve(REPO_ROOT, "README.md"), "utf8").slice(0, 30_000);
const code = readFileSync(resolve(REPO_ROOT, "runtime/pipeline/chat-call.ts"), "utf8");
const chinese =
  "人工智能网关是一种位于应用程序和大型语言模型之间的中间层，它负责路由、认证、限流和计费。企业使用它来统一管理多个模型提供商，控制成本，并保护敏感数据不被泄露。".repeat(20);
const chat = JSON.stringify({
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: prose.slice(0, 2000) },
  ],
});

const exact = { cl100k_base: new Tiktoken(cl100k), o200k_base: new Tiktoken(o200k) };

describe("bounded prompt estimate", () => {
  it("gives a finite, positive estimate of pathological prompts (1 MB of one letter, 200k CJK characters, 1 MB of base64)", () => {
    for (const text of [ONE_LETTER, CJK, BASE64]) {
      const n = estimateTextTokens(text);
      expect(Number.isFinite(n)).toBe(true);
      expect(n).toBeGreaterThan(text.length / 8);
      expect(n).toBeLessThan(text.length * 2);
    }
  });

  it("estimates long inputs from samples, so the work is bounded: a homogeneous text scales exactly", () => {
    const unit = BASE64.slice(0, 65_536);
    const big = unit.repeat(16);
    const ratio = estimateTextTokens(big) / estimateTextTokens(unit);
    expect(ratio).toBeGreaterThan(15);
    expect(ratio).toBeLessThan(17);
  });

  it("is within 25% of exact counts on ordinary text, in both encodings (CJK: cl100k; o200k packs it ~1.5× tighter)", () => {
    const rows: string[] = [];
    for (const [name, text] of Object.entries({ prose, code, chinese })) {
      const estimate = estimateTextTokens(text);
      for (const enc of ["cl100k_base", "o200k_base"] as const) {
        const count = exact[enc].encode(text).length;
        const error = estimate / count - 1;
        rows.push(`${name} ${enc}: estimate ${estimate}, exact ${count}, ${(error * 100).toFixed(1)}%`);
        if (name === "chinese" && enc === "o200k_base") continue; // the estimate stays conservative
        expect(Math.abs(error)).toBeLessThan(0.25);
      }
    }
    console.log(`estimate accuracy:\n  ${rows.join("\n  ")}`);
  });

  it("is within 15% of exact cl100k counts on every sample of the corpus (scripts, code, JSON, numbers, URLs), 6% on average", () => {
    const rows: string[] = [];
    let sum = 0;
    for (const [name, text] of Object.entries(TOKEN_CORPUS)) {
      const estimate = estimateTextTokens(text);
      const count = exact.cl100k_base.encode(text).length;
      const error = estimate / count - 1;
      sum += Math.abs(error);
      rows.push(`${name}: estimate ${estimate}, cl100k ${count}, ${(error * 100).toFixed(1)}%`);
      expect(Math.abs(error), name).toBeLessThan(0.15);
    }
    console.log(`estimate accuracy (cl100k):\n  ${rows.join("\n  ")}`);
    expect(sum / Object.keys(TOKEN_CORPUS).length).toBeLessThan(0.06);
  });

  it("stops soon after its cap, and is exact below it", () => {
    const text = prose.slice(0, 20_000);
    const full = estimateTextTokens(text);
    const capped = estimateTextTokens(text, 100);
    expect(capped).toBeGreaterThan(100);
    expect(capped).toBeLessThan(120);
    expect(estimateTextTokens(text, full)).toBe(full);
  });

  it("counts a chat body: contents, roles and the chat format's overhead", () => {
    const request = chatRequest(JSON.parse(chat) as Record<string, unknown>);
    const estimate = estimatePromptTokens(request);
    const { texts, messages, mediaParts } = promptTexts(request);
    const counted = promptTokensFromCounts(
      texts.reduce((n, t) => n + exact.o200k_base.encode(t).length, 0),
      messages,
      mediaParts,
    );
    expect(Math.abs(estimate / counted - 1)).toBeLessThan(0.25);
  });
});

describe("exact counter (worker thread)", () => {
  const counter = new ExactCounter();
  afterAll(() => counter.close());

  it("counts ordinary text as the tokenizer does, off the event loop", async () => {
    await counter.warm();
    const n = (await counter.count("o200k_base", [prose, code], 5_000))!;
    const whole = exact.o200k_base.encode(prose).length + exact.o200k_base.encode(code).length;
    // Chunk cuts (at spaces, and inside runs of over 64 non-space characters such as long URLs) move a token or two at most.
    expect(Math.abs(n - whole)).toBeLessThanOrEqual(Math.ceil(whole / 1000));
    // Text without spaces (Chinese) is cut every 64 characters, which keeps the merge linear: within 1%.
    const zh = (await counter.count("o200k_base", [chinese], 5_000))!;
    expect(Math.abs(zh / exact.o200k_base.encode(chinese).length - 1)).toBeLessThan(0.01);
  });

  it("gives up on pathological text past its budget (the caller admits on the estimate) and keeps serving other counts", async () => {
    await counter.warm();
    const results = await Promise.all([counter.count("cl100k_base", [ONE_LETTER], 50), counter.count("cl100k_base", [CJK], 50), counter.count("cl100k_base", [BASE64], 50)]);
    expect(results).toEqual([null, null, null]);
    expect(await counter.count("cl100k_base", ["Hello there"], 5_000)).toBe(exact.cl100k_base.encode("Hello there").length);
  });

  it("picks the encoding by model family", () => {
    expect(encodingFor("gpt-4o-mini")).toBe("o200k_base");
    expect(encodingFor("gpt-4.1")).toBe("o200k_base");
    expect(encodingFor("gpt-3.5-turbo")).toBe("cl100k_base");
    expect(encodingFor("llama-3.1-70b")).toBe("cl100k_base");
  });
});
