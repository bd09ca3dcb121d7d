/**
 * The output stage on canonical SSE: findings split across chunks at every possible
 * point are still redacted; a block before anything was released leaves nothing sent;
 * what is held back never exceeds the window plus the trailing token run.
 */
import { describe, expect, it } from "vitest";
import type { PlanGuardrailScan } from "../../schemas/plan/guardrails.js";
import { GuardrailReport } from "../../runtime/stages/guardrails/guardrail-report.js";
import { linkGuardrails } from "../../runtime/stages/guardrails/link-guardrails.js";
import type { LinkedScan } from "../../runtime/stages/guardrails/linked-guardrails.js";
import { OutputGuardStage } from "../../runtime/stages/guardrails/output-stage.js";
import { Redactions } from "../../runtime/stages/guardrails/redactions.js";
import { AhoCorasick } from "../../runtime/canonical/aho-corasick.js";

function scan(pii: PlanGuardrailScan["pii"], window = 48): LinkedScan {
  const chain = { name: "t", maxMessages: null, maxPromptTokens: null, input: null, output: { pii, terms: [], deny: [], allow: [], injection: null, window }, moderation: null };
  return linkGuardrails({ chains: [chain], routes: [0] }, [])![0]!.output!;
}

const HEAD = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[';
const sse = (content: string): string => `data: ${HEAD}{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]}\n\n`;
const FINISH = `data: ${HEAD}{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n`;

/** Streams `text` in `size`-character content chunks through a stage; returns the client's text. */
function run(stage: OutputGuardStage, text: string, size: number): string {
  let out = "";
  const take = (b: Buffer | null): void => {
    if (b !== null) out += b.toString();
  };
  for (let i = 0; i < text.length; i += size) take(stage.pushStream(Buffer.from(sse(text.slice(i, i + size)))));
  take(stage.pushStream(Buffer.from(FINISH + "data: [DONE]\n\n")));
  take(stage.endStream(true));
  let content = "";
  for (const event of out.split("\n\n")) {
    if (!event.startsWith("data: {")) continue;
    content += (JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "";
  }
  return content;
}

describe("output stage (sliding window)", () => {
  const text = "Reach me at +86 138 0013 8000 or jane@example.com, card 4111 1111 1111 1111.";

  it.each([1, 2, 3, 5, 7, 11, 200])("redacts findings split across %i-character chunks", (size) => {
    const stage = new OutputGuardStage(
      scan([
        { detector: "email", action: "redact", rule: "t" },
        { detector: "card", action: "mask", rule: "t" },
        { detector: "phone", action: "redact", rule: "t" },
      ]),
      new Redactions(),
      new GuardrailReport("t"),
    );
    expect(run(stage, text, size)).toBe("Reach me at [PHONE_1] or [EMAIL_1], card **** **** **** 1111.");
    expect(stage.error).toBeNull();
  });

  it("blocks before releasing the finding, and sets the error", () => {
    const stage = new OutputGuardStage(scan([{ detector: "card", action: "block", rule: "no-cards" }]), new Redactions(), new GuardrailReport("t"));
    const sent = run(stage, text, 4);
    expect(sent).not.toContain("4111");
    expect(stage.error?.code).toBe("content_blocked");
    expect(stage.error?.message).toContain("no-cards");
  });

  it("holds back at most the window plus the trailing token run", () => {
    const window = 16;
    const stage = new OutputGuardStage(scan([{ detector: "email", action: "redact", rule: "t" }], window), new Redactions(), new GuardrailReport("t"));
    let released = "";
    const words = "lorem ipsum dolor sit amet ".repeat(20);
    for (let i = 0; i < words.length; i += 3) {
      const out = stage.pushStream(Buffer.from(sse(words.slice(i, i + 3))));
      if (out !== null)
        for (const e of out.toString().split("\n\n"))
          if (e.startsWith("data: {")) released += (JSON.parse(e.slice(6)) as { choices: { delta: { content: string } }[] }).choices[0]!.delta.content;
      const seen = Math.min(i + 3, words.length);
      expect(seen - released.length).toBeLessThanOrEqual(window + "lorem ".length);
    }
  });

  it("passes a non-streamed body through unchanged when nothing is found, rewrites it otherwise", () => {
    const stage = new OutputGuardStage(scan([{ detector: "email", action: "redact", rule: "t" }]), new Redactions(), new GuardrailReport("t"));
    const clean = Buffer.from('{"choices":[{"message":{"role":"assistant","content":"hello"}}]}');
    expect(stage.transformBody(clean)).toBe(clean);
    const dirty = JSON.parse(stage.transformBody(Buffer.from('{"choices":[{"message":{"role":"assistant","content":"mail a@b.io"}}]}')).toString()) as {
      choices: { message: { content: string } }[];
    };
    expect(dirty.choices[0]!.message.content).toBe("mail [EMAIL_1]");
  });
});

describe("deny-term automaton", () => {
  const find = (terms: string[], text: string, caseSensitive = false, wholeWords = true): string[] => {
    const hits: string[] = [];
    new AhoCorasick(
      terms.map((t) => ({ text: t, wholeWord: wholeWords })),
      { foldCase: !caseSensitive },
    ).scan(text, (_, start, end) => {
      hits.push(text.slice(start, end));
    });
    return hits;
  };

  it("finds overlapping terms in one pass, case-insensitively, on word edges", () => {
    expect(find(["he", "she", "hers", "his"], "ushers and HIS")).toEqual(["HIS"]);
    expect(find(["he", "she", "hers", "his"], "ushers and HIS", false, false)).toEqual(["she", "he", "hers", "HIS"]);
    expect(find(["project falcon"], "About PROJECT FALCON.")).toEqual(["PROJECT FALCON"]);
    expect(find(["secret"], "secretary")).toEqual([]);
    expect(find(["Secret"], "secret", true)).toEqual([]);
  });

  it("matches CJK terms without word edges", () => {
    expect(find(["机密"], "这是机密文件")).toEqual(["机密"]);
  });

  it("handles thousands of terms", () => {
    const terms = Array.from({ length: 5000 }, (_, i) => `term${i}x`);
    expect(find(terms, "nothing here but term4321x and term12x")).toEqual(["term4321x", "term12x"]);
  });
});

describe("redactions", () => {
  it("gives the same value the same placeholder, numbering per kind", () => {
    const r = new Redactions();
    expect([r.placeholder("EMAIL", "a@b.io"), r.placeholder("EMAIL", "c@d.io"), r.placeholder("EMAIL", "a@b.io"), r.placeholder("PHONE", "+1")]).toEqual([
      "[EMAIL_1]",
      "[EMAIL_2]",
      "[EMAIL_1]",
      "[PHONE_1]",
    ]);
  });
});
