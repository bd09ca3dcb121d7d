/**
 * Every matcher and parser that sees client or upstream input, fed 100 KB adversarial
 * inputs: model-name globs, policy regexes on the linear-time engine (header routes,
 * classifiers, deny patterns), the built-in PII and prompt-injection scanners, the SSE
 * parser, the AWS event-stream frame decoder, the OpenAI byte scanner and the JSON
 * depth check. Each input's time is compared with a linear baseline (one plain pass
 * over the same number of bytes, measured in the same process a moment before), never
 * with a wall clock: a linear algorithm stays within a constant factor of it, a
 * quadratic or exponential one is thousands of times over on 100 KB. The worst ratio
 * is printed for the record.
 */
import { describe, expect, it } from "vitest";
import { Glob } from "../../schemas/plan/glob-match.js";
import { LinearRegex } from "../../schemas/plan/linear-regex.js";
import { PII_DETECTORS } from "../../schemas/plan/constants.js";
import { PiiScanner } from "../../runtime/stages/guardrails/pii-scanner.js";
import { InjectionScore } from "../../runtime/stages/guardrails/injection.js";
import { SseParser } from "../../runtime/canonical/sse-parser.js";
import { FrameDecoder, encodeFrame } from "../../runtime/adapters/bedrock/event-stream.js";
import { OpenAIStreamDecoder } from "../../runtime/adapters/openai-compatible/stream.js";
import { jsonDepthWithin } from "../../runtime/canonical/json-depth.js";

const SIZE = 100 * 1024;
/** Against a plain pass over 100 KB: far above a linear algorithm's constant factor here (the worst is printed), far below an exponential one's. */
const MAX_VS_PASS = 5000;
/** The larger input is this many times 100 KB. */
const GROWTH = 8;
/** 800 KB against eight times 100 KB: about 1 for linear time (up to ~4.6 measured under a full parallel test run), about 8 for quadratic. */
const MAX_GROWTH = 6;

/** The baseline: one plain pass over `n` units (a checksum, so it is not optimized away). */
function linearPass(n: number): number {
  const bytes = new Uint8Array(n).fill(97);
  let sum = 0;
  for (let i = 0; i < n; i++) sum = (sum + bytes[i]! * (i & 7)) | 0;
  return sum;
}

/** The fastest of `runs` timings of `work`, in milliseconds (the least disturbed by other load on a shared machine). */
function fastest(runs: number, work: () => void): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    work();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

interface Case {
  readonly name: string;
  /** The work on an adversarial input of about `n` bytes or UTF-16 units (built outside the timing). */
  readonly make: (n: number) => () => void;
}

/** Feeds `bytes` in `size`-byte chunks. */
function chunks(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const rep = (unit: string, n: number): string => unit.repeat(Math.max(1, Math.floor(n / unit.length)));

function sse(label: string, input: (n: number) => Buffer[]): Case {
  return {
    name: `SSE: ${label}`,
    make: (n) => {
      const parts = input(n);
      return () => {
        const p = new SseParser();
        for (const c of parts) p.push(c);
        p.end();
      };
    },
  };
}

function frames(label: string, input: (n: number) => Buffer[]): Case {
  return {
    name: `event-stream: ${label}`,
    make: (n) => {
      const parts = input(n);
      return () => {
        const d = new FrameDecoder();
        for (const c of parts) d.push(c);
      };
    },
  };
}

function scanner(label: string, input: (n: number) => Buffer[]): Case[] {
  return [true, false].map((hide) => ({
    name: `OpenAI scanner (${hide ? "rewriting" : "pass-through"}): ${label}`,
    make: (n) => {
      const parts = input(n);
      return () => {
        const d = new OpenAIStreamDecoder(hide);
        for (const c of parts) d.push(c);
        d.end();
      };
    },
  }));
}

const CASES: Case[] = [
  // Globs: the 7-star glob took 1.7 s on a 57-character name with backtracking.
  ...["*a*a*a*a*a*a*b", "a*a*a*a*c", "*?*?*?*?*x", "gpt-*-*-*-*-mini"].map((pattern): Case => {
    const glob = new Glob(pattern);
    return {
      name: `glob ${pattern}`,
      make: (n) => {
        const name = "a".repeat(n);
        return () => void glob.matches(name);
      },
    };
  }),
  // Policy regexes: nested and bounded quantifiers that backtracking engines take exponential time on.
  ...["(a+)+$", "(a{1,10}){1,10}$", "^(\\w{1,20}-?){1,20}$", "(\\w|\\d)*!$", "(a|a)*b", "^(a|aa)+$", "(.*a){12}"].map((source): Case => {
    const regex = LinearRegex.orThrow([source]);
    return {
      name: `regex ${source}`,
      make: (n) => {
        const input = "a".repeat(n) + "\u0000";
        return () => void regex.test(input);
      },
    };
  }),
  {
    name: "regex scan (deny patterns)",
    make: (n) => {
      const deny = LinearRegex.orThrow(["secret-\\d+", "(a|ab)*c", "\\b\\w+@\\w+\\.com\\b"]);
      const input = rep("ab", n);
      return () => deny.scan(input, () => undefined);
    },
  },
  // Built-in scanners (V8 regexes over client text, written to run in linear time).
  ...[
    ["digits", "1"],
    ["digit groups", "1234 "],
    ["at signs", "a@"],
    ["dots and digits", "1."],
    ["hex and colons", "ab:"],
    ["letters", "a"],
  ].map(([label, unit]): Case => {
    const pii = new PiiScanner([...PII_DETECTORS]);
    return {
      name: `PII scan: ${label}`,
      make: (n) => {
        const input = rep(unit!, n);
        return () => pii.scan(input, []);
      },
    };
  }),
  ...[
    ["ignore + spaces", (n: number) => "ignore" + " ".repeat(n)],
    ["repeated ignore", (n: number) => rep("ignore all ", n)],
    ["newlines and hashes", (n: number) => rep("\n ##", n)],
    ["zero-width", (n: number) => rep("\u200B", n)],
  ].map(([label, input]): Case => ({
    name: `injection scan: ${label as string}`,
    make: (n) => {
      const text = (input as (n: number) => string)(n);
      return () => new InjectionScore().add(text);
    },
  })),
  // SSE parser: one long line in 64-byte chunks, lone CRs, CRLF split across chunks, many data lines in one event, comments.
  sse("one long line in 64-byte chunks", (n) => chunks(Buffer.from("data: " + "a".repeat(n)), 64)),
  sse("lone CRs", (n) => [Buffer.from("\r".repeat(n))]),
  sse("CR and LF split across chunks", (n) => chunks(Buffer.from(rep("data: x\r\n", n)), 1)),
  sse("many data lines, one event", (n) => chunks(Buffer.from(rep("data:x\n", n)), 100)),
  sse("comments", (n) => [Buffer.from(rep(":\n", n))]),
  // AWS event-stream: one large frame in 16-byte chunks (a decoder that joins on every push is quadratic), many small frames.
  frames("one large frame in 16-byte chunks", (n) => chunks(Buffer.from(encodeFrame("event", "contentBlockDelta", { delta: { text: "a".repeat(n) } })), 16)),
  frames("many small frames in 7-byte chunks", (n) =>
    chunks(Buffer.concat(Array.from({ length: Math.ceil(n / 170) }, () => Buffer.from(encodeFrame("event", "contentBlockDelta", { delta: { text: "x".repeat(100) } })))), 7),
  ),
  // OpenAI byte scanner, both modes: an event that never ends, deep nesting, lone CRs and LFs, many tiny events.
  ...scanner("endless event in 64-byte chunks", (n) => chunks(Buffer.from(`data: {"choices":[{"delta":{"content":"${"a".repeat(n)}`), 64)),
  ...scanner("nesting as deep as the input", (n) => chunks(Buffer.from("data: " + "[".repeat(n) + "\n\n"), 1024)),
  ...scanner("lone CRs and LFs", (n) => chunks(Buffer.from(rep("\r\n\r", n)), 100)),
  ...scanner("many tiny events", (n) => chunks(Buffer.from(rep('data: {"usage":null}\n\n', n)), 100)),
  // JSON depth check before parsing.
  ...[
    ["openers", "["],
    ["escapes in a string", '\\\\\\"'],
    ["nest and close", "[]"],
    ["quotes", '"'],
  ].map(([label, unit]): Case => ({
    name: `JSON depth: ${label}`,
    make: (n) => {
      const bytes = Buffer.from(rep(unit!, n));
      return () => void jsonDepthWithin(bytes, 64);
    },
  })),
];

/**
 * Two ratios per case: its time on 100 KB against a plain pass over 100 KB (catches
 * exponential blow-ups), and its time on 800 KB against eight times its time on 100 KB
 * (the linear extrapolation; catches quadratic growth, which a 100 KB input alone can hide).
 */
function measure(c: Case): { vsPass: number; growth: number } {
  const small = c.make(SIZE);
  const large = c.make(GROWTH * SIZE);
  small(); // warm up (and any lazy automaton states)
  large();
  // Interleaved rounds, the fastest of each: a burst of load from elsewhere slows both sizes
  // alike or is left out, and noise only ever adds time. Fewer rounds for slow cases.
  const rounds = fastest(1, large) > 200 ? 3 : 5;
  let pass = Infinity;
  let t = Infinity;
  let big = Infinity;
  for (let r = 0; r < rounds; r++) {
    pass = Math.min(
      pass,
      fastest(3, () => linearPass(SIZE)),
    );
    t = Math.min(t, fastest(1, small));
    big = Math.min(big, fastest(1, large));
  }
  pass = Math.max(pass, 0.02);
  t = Math.max(t, 0.05);
  return { vsPass: t / pass, growth: big / (GROWTH * t) };
}

const results: { name: string; vsPass: number; growth: number }[] = [];

describe("adversarial 100 KB inputs to every matcher and parser", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s runs in linear time", (_name, c) => {
    let m = measure(c);
    // Up to two re-measures on a noisy machine before calling it superlinear (the best of each ratio counts).
    for (let again = 0; again < 2 && (m.vsPass >= MAX_VS_PASS || m.growth >= MAX_GROWTH); again++) {
      const next = measure(c);
      m = { vsPass: Math.min(m.vsPass, next.vsPass), growth: Math.min(m.growth, next.growth) };
    }
    results.push({ name: c.name, ...m });
    expect(m.vsPass, "time on 100 KB / a plain pass over 100 KB").toBeLessThan(MAX_VS_PASS);
    expect(m.growth, "time on 800 KB / (8 × time on 100 KB)").toBeLessThan(MAX_GROWTH);
  });

  it("reports the worst ratios", () => {
    const top = (key: "vsPass" | "growth"): string =>
      [...results]
        .sort((a, b) => b[key] - a[key])
        .slice(0, 3)
        .map((w) => `${w.name} ${w[key].toFixed(2)}`)
        .join("; ");
    console.log(
      `adversarial inputs, ${results.length} cases. Worst time on 100 KB / a plain pass over 100 KB: ${top("vsPass")}. Worst time on 800 KB / (8 × 100 KB): ${top("growth")}`,
    );
    expect(results.length).toBe(CASES.length);
  });
});
