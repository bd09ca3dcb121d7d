/**
 * The output stage's fast path (a content-only event spliced without parsing it) sends
 * what the parsing path sends: for the same deltas, an event in the common shape and one
 * the fast path refuses (an extra member after the choices) give the client the same
 * content, the same number of events and the same findings, at every chunking.
 */
import { describe, expect, it } from "vitest";
import { PII_DETECTORS } from "../../schemas/catalog/guardrails.js";
import { GuardrailReport } from "../../runtime/stages/guardrails/guardrail-report.js";
import { linkGuardrails } from "../../runtime/stages/guardrails/link-guardrails.js";
import { OutputGuardStage } from "../../runtime/stages/guardrails/output-stage.js";
import { Redactions } from "../../runtime/stages/guardrails/redactions.js";

const scan = (() => {
  const output = {
    pii: PII_DETECTORS.map((detector) => ({ detector, action: "redact" as const, rule: "r" })),
    terms: [{ caseSensitive: false, wholeWords: true, terms: [{ term: "confidential roadmap", action: "redact" as const, rule: "r" }] }],
    deny: [],
    allow: [],
    injection: null,
    window: 0,
  };
  const chain = { name: "t", maxMessages: null, maxPromptTokens: null, input: null, output, moderation: null };
  return linkGuardrails({ chains: [chain], routes: [0] }, [])![0]!.output!;
})();

const HEAD = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":null,"choices":[';
const fastEvent = (c: string) => `data: ${HEAD}{"index":0,"delta":{"content":${JSON.stringify(c)}},"logprobs":null,"finish_reason":null}],"usage":null}\n\n`;
const slowEvent = (c: string) => `data: ${HEAD}{"index":0,"delta":{"content":${JSON.stringify(c)}},"logprobs":null,"finish_reason":null}],"usage":null,"x":1}\n\n`;
const END = `data: ${HEAD}{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}\n\ndata: [DONE]\n\n`;

const DELTAS = [
  "Write to ",
  "jane.",
  "doe@exam",
  "ple.com or call +44 20 ",
  "7946 0958 about the confid",
  "ential road",
  "map; ",
  "card 4111 1111 ",
  '1111 1111 \\ "quoted" é 😀',
  " done.",
];

function run(event: (c: string) => string, size: number) {
  const report = new GuardrailReport("t");
  const stage = new OutputGuardStage(scan, new Redactions(), report);
  const bytes = Buffer.from(DELTAS.map(event).join("") + END);
  let raw = "";
  for (let i = 0; i < bytes.length; i += size) raw += stage.pushStream(bytes.subarray(i, i + size))?.toString() ?? "";
  raw += stage.endStream(true)?.toString() ?? "";
  const events = raw.split("\n\n").filter((e) => e.startsWith("data: {"));
  const content = events.map((e) => (JSON.parse(e.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "").join("");
  return { content, events: events.length, findings: JSON.stringify(report.toJSON()), done: raw.endsWith("data: [DONE]\n\n") };
}

describe("output stage fast path", () => {
  for (const size of [1, 3, 17, 100, 100_000]) {
    it(`sends what the parsing path sends (pieces of ${size})`, () => {
      const fast = run(fastEvent, size);
      const slow = run(slowEvent, size);
      expect(fast).toEqual(slow);
      expect(fast.content).toContain("[EMAIL_1]");
      expect(fast.content).not.toContain("jane.doe");
      expect(fast.content).not.toContain("confidential roadmap");
      expect(fast.done).toBe(true);
    });
  }
});

describe("output stage: the event that releases held text", () => {
  /** What the release event was built as before it was written field by field: the template without its choices and usage, then the choice. */
  const reference = (template: Record<string, unknown>, released: string): string => {
    const { choices: _c, usage: _u, ...envelope } = template;
    return `data: ${JSON.stringify({ ...envelope, choices: [{ index: 0, delta: { content: released }, logprobs: null, finish_reason: null }] })}\n\n`;
  };

  const finishes: Record<string, unknown>[] = [
    {
      id: "c",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      system_fingerprint: null,
      choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }],
      usage: null,
    },
    {
      id: 'c\u2028"q"',
      created: 1.5e21,
      model: "mødel",
      service_tier: "default",
      choices: [{ index: 0, delta: {}, finish_reason: "length" }],
      obfuscation: "x",
      nested: { a: [1, { b: null }] },
    },
    JSON.parse('{"__proto__":{"x":1},"id":"p","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1}}') as Record<string, unknown>,
  ];
  for (const [i, finish] of finishes.entries()) {
    it(`is the template's members but choices and usage, then the released choice (template ${i})`, () => {
      const stage = new OutputGuardStage(scan, new Redactions(), new GuardrailReport("t"));
      // The slow path (a member after the choices) for the content; the finish event is parsed and is the release's template.
      let out = stage.pushStream(Buffer.from(slowEvent("the plan is confid")))?.toString() ?? "";
      out += stage.pushStream(Buffer.from(`data: ${JSON.stringify(finish)}\n\n`))?.toString() ?? "";
      // Everything was held (it could still become the deny term); the finish event releases it first.
      const released = out.split(/(?<=\n\n)/).find((e) => e.includes('"finish_reason":null'))!;
      const content = (JSON.parse(released.slice(6)) as { choices: { delta: { content: string } }[] }).choices[0]!.delta.content;
      expect(content.length).toBeGreaterThan(0);
      expect(released).toBe(reference(finish, content));
    });
  }
});
