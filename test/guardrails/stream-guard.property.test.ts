/**
 * The stream guard is correct by construction: for every detector's positive examples
 * (the labelled corpus, a multi-line PEM key and a deny term), embedded in random text
 * and streamed split at every possible chunk boundary and at random multi-splits, the
 * client receives nothing the non-streamed scan of the same text would have caught.
 * With `redact` no caught value reaches the client; with `block` the stage stops before
 * any of it, and the stream it leaves never ends with `[DONE]`.
 */
import { describe, expect, it } from "vitest";
import type { GuardrailAction } from "../../schemas/catalog/guardrails.js";
import { PII_DETECTORS } from "../../schemas/catalog/guardrails.js";
import { GuardrailReport } from "../../runtime/stages/guardrails/guardrail-report.js";
import { linkGuardrails } from "../../runtime/stages/guardrails/link-guardrails.js";
import type { LinkedScan } from "../../runtime/stages/guardrails/linked-guardrails.js";
import { OutputGuardStage } from "../../runtime/stages/guardrails/output-stage.js";
import { Redactions } from "../../runtime/stages/guardrails/redactions.js";
import { scanText } from "../../runtime/stages/guardrails/text-scan.js";
import { loadCorpus } from "./corpus-metrics.js";
import { seededRandom as rng } from "../../compiler/commands/simulate/seeded-random.js";

const WORDS = ["the", "report", "says", "that", "our", "team", "will", "ship", "it", "soon", "，", "然后", "we", "see", "ok:", "(note)", "-", "x"];

const PEM = [
  "-----BEGIN RSA PRIVATE KEY-----",
  "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgwMbRvI0MBZhpF",
  "Yl7q9x8kzR2m3n4o5p6q7r8s9t0u1v2w3x4y5z6A7B8C9D0E1F2G3H4I5J6K7L8M",
  "-----END RSA PRIVATE KEY-----",
].join("\n");

const DENY_TERM = "project falcon";

function scanOf(action: GuardrailAction): LinkedScan {
  const output = {
    pii: PII_DETECTORS.map((detector) => ({ detector, action, rule: "prop" })),
    terms: [{ caseSensitive: false, wholeWords: true, terms: [{ term: DENY_TERM, action, rule: "prop" }] }],
    deny: [],
    allow: [],
    injection: null,
    window: 0,
  };
  const chain = { name: "prop", maxMessages: null, maxPromptTokens: null, input: null, output, moderation: null };
  return linkGuardrails({ chains: [chain], routes: [0] }, [])![0]!.output!;
}

const HEAD = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[';
const sse = (content: string): string => `data: ${HEAD}{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]}\n\n`;
const END = `data: ${HEAD}{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`;

/** Streams `text` cut at `cuts` through a fresh stage: the raw output and the content the client saw. */
function stream(scan: LinkedScan, text: string, cuts: readonly number[]): { raw: string; content: string; blocked: boolean } {
  const stage = new OutputGuardStage(scan, new Redactions(), new GuardrailReport("prop"));
  let raw = "";
  const take = (b: Buffer | null): void => {
    if (b !== null) raw += b.toString();
  };
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    if (stage.error !== null) break;
    take(stage.pushStream(Buffer.from(sse(text.slice(at, cut)))));
    at = cut;
  }
  // As the relay does: output of a push that set the error is dropped.
  if (stage.error === null) {
    const tail = stage.pushStream(Buffer.from(END));
    if (stage.error === null) take(tail);
  }
  if (stage.error === null) take(stage.endStream(true));
  let content = "";
  for (const event of raw.split("\n\n")) {
    if (!event.startsWith("data: {")) continue;
    content += (JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "";
  }
  return { raw, content, blocked: stage.error !== null };
}

interface Case {
  readonly text: string;
  readonly note: string;
}

function cases(): Case[] {
  const random = rng(19);
  const words = (n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ");
  const positives = loadCorpus().filter((s) => s.expect.length > 0);
  const texts = [
    ...positives.map((s) => ({ text: s.text, note: s.note })),
    { text: `key:\n${PEM}\nend`, note: "multi-line PEM block" },
    { text: `about Project Falcon today`, note: "deny term" },
  ];
  return texts.map((t) => ({ text: `${words(3 + Math.floor(random() * 4))} ${t.text} ${words(2 + Math.floor(random() * 4))}`, note: t.note }));
}

describe.each(["redact", "block"] as const)("stream guard property (%s)", (action) => {
  const scan = scanOf(action);
  const all = cases();
  let count = 0;

  it.each(all.map((c) => [c.note, c] as const))("%s: no split lets through what the whole-text scan catches", (_, c) => {
    const found = scanText(scan, c.text);
    expect(found.length, "the whole-text scan finds the planted value").toBeGreaterThan(0);
    const values = found.map((f) => c.text.slice(f.start, f.end));
    const firstStart = Math.min(...found.map((f) => f.start));
    const random = rng(c.text.length);
    const splits: number[][] = [];
    for (let p = 1; p < c.text.length; p++) splits.push([p]);
    for (let r = 0; r < 40; r++) {
      const k = 2 + Math.floor(random() * 8);
      splits.push([...new Set(Array.from({ length: k }, () => 1 + Math.floor(random() * (c.text.length - 1))))].sort((a, b) => a - b));
    }
    for (const cuts of splits) {
      const out = stream(scan, c.text, cuts);
      count++;
      for (const v of values) expect(out.content.includes(v), `${JSON.stringify(v)} leaked with cuts ${cuts.join(",")}: ${JSON.stringify(out.content)}`).toBe(false);
      if (action === "block") {
        expect(out.blocked, `cuts ${cuts.join(",")}`).toBe(true);
        expect(out.raw).not.toContain("[DONE]");
        expect(c.text.startsWith(out.content) && out.content.length <= firstStart, `released past the finding: ${JSON.stringify(out.content)}`).toBe(true);
      }
    }
  });

  it("ran the cases the report counts", () => {
    process.stdout.write(`stream guard property (${action}): ${count} split cases over ${all.length} samples\n`);
    expect(count).toBeGreaterThan(5000);
  });
});
