import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LinearRegex, type RegexRefusal } from "./linear-regex.js";

/** True when `i` falls between the two halves of a surrogate pair. */
function insidePair(text: string, i: number): boolean {
  const before = text.charCodeAt(i - 1);
  const at = text.charCodeAt(i);
  return before >= 0xd800 && before <= 0xdbff && at >= 0xdc00 && at <= 0xdfff;
}

/**
 * What V8 reports for `exec` from `from` with the `u` flag: [start, end] or null;
 * "quirk" when V8 puts an empty match between the halves of a surrogate pair, which
 * the specification's code-point input does not have (V8 does so for `\B`).
 */
function v8Find(source: string, text: string, from: number): [number, number] | null | "quirk" {
  const re = new RegExp(source, "gu");
  re.lastIndex = from;
  const m = re.exec(text);
  if (m !== null && insidePair(text, m.index)) return "quirk";
  return m === null ? null : [m.index, m.index + m[0].length];
}

function linearFind(regex: LinearRegex, text: string, from: number): [number, number] | null {
  const m = regex.find(text, from);
  return m === null ? null : [m.start, m.end];
}

/** Every non-empty match of `exec` with `g`, as V8 finds them; null for V8's surrogate quirk (see v8Find). */
function v8All(source: string, text: string): number[] | null {
  const re = new RegExp(source, "gu");
  const out: number[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (insidePair(text, m.index)) return null;
    // Past an empty match by one code point, as String.prototype.replace does under `u`.
    if (m[0].length === 0) re.lastIndex += (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
    else out.push(m.index, m.index + m[0].length);
  }
  return out;
}

function compiled(source: string): LinearRegex {
  const r = LinearRegex.compile([source]);
  if (!(r instanceof LinearRegex)) throw new Error(`${source}: ${r.reason}`);
  return r;
}

/** Random patterns over a small alphabet, every construct the engine supports. */
const pattern: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("a", "b", "1", " ", "é", ".", "[ab]", "[^a]", "[a-c1]", "\\w", "\\W", "\\d", "\\s", "\\S", "\\b", "\\B", "^", "$", "(?:)", "\\p{L}"),
    fc.tuple(tie("node"), tie("node")).map(([a, b]) => a + b),
    fc.tuple(tie("node"), tie("node")).map(([a, b]) => `(?:${a}|${b})`),
    fc.tuple(tie("node"), fc.constantFrom("*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}", "*?", "+?", "??", "{1,2}?")).map(([a, q]) => `(${a})${q}`),
  ),
})).node;

const text = fc.string({ unit: fc.constantFrom("a", "b", "1", " ", "é", "\n", "😀"), maxLength: 10 });

describe("LinearRegex matches as V8 does", () => {
  it("finds the same first match from every position, for random patterns and inputs", () => {
    fc.assert(
      fc.property(pattern, text, (source, input) => {
        const regex = compiled(source);
        for (let from = 0; from <= input.length; from++) {
          // Not inside a surrogate pair: V8 itself is inconsistent there.
          if (insidePair(input, from)) continue;
          const expected = v8Find(source, input, from);
          if (expected === "quirk") return;
          expect(linearFind(regex, input, from), `${source} on ${JSON.stringify(input)} from ${from}`).toEqual(expected);
        }
        expect(regex.test(input)).toBe(new RegExp(source, "u").test(input));
      }),
      { numRuns: 1500, endOnFailure: true },
    );
  });

  it("scans every match as exec with g does", () => {
    fc.assert(
      fc.property(pattern, text, (source, input) => {
        const out: number[] = [];
        compiled(source).scan(input, (s, e) => out.push(s, e));
        const expected = v8All(source, input);
        if (expected !== null) expect(out).toEqual(expected);
      }),
      { numRuns: 1500, endOnFailure: true },
    );
  });

  it("handles the syntax policies use", () => {
    const cases: [string, string][] = [
      ["^team-[a-z0-9-]+$", "team-abc-1"],
      ["\\bproject\\s+bluebird\\b", "the Project project  bluebird!"],
      ["(?<team>eu|us)-(west|east)", "x us-east"],
      ["\\p{Script=Greek}+", "abc αβγ"],
      ["\\P{L}+", "abc 123"],
      ["\\u{1F600}|\\uD83D\\uDE01", "a😁"],
      ["[\\u0041-\\u0043]+\\x44\\cJ", "ABCD\n"],
      ["[\\b]\\0\\/[\\-]", "\b\0/-"],
      ["[^]|[\\s\\S]", "\n"],
      [".+", "a\r\u2028b"],
      ["\\s+", "a \u00a0\ufeff\u2028b"],
      ["(a|ab)(c|bcd)(d*)", "abcd"],
      ["a{2,3}?", "aaaa"],
      ["(?:a|)*b", "aab"],
    ];
    for (const [source, input] of cases) expect(linearFind(compiled(source), input, 0), source).toEqual(v8Find(source, input, 0));
  });

  it("reports which pattern of an alternation matched: the first that matches where the match starts", () => {
    const regex = LinearRegex.orThrow(["secret-\\d+", "\\d{3}-\\d{4}", "secret"]);
    expect(regex.find("my secret-123-4567", 0)).toEqual({ start: 3, end: 13, pattern: 0 });
    expect(regex.find("call 555-1234", 0)).toEqual({ start: 5, end: 13, pattern: 1 });
    expect(regex.find("a secret!", 0)).toEqual({ start: 2, end: 8, pattern: 2 });
  });
});

describe("LinearRegex refusals", () => {
  const refusal = (source: string): RegexRefusal => {
    const r = LinearRegex.compile([source]);
    if (r instanceof LinearRegex) throw new Error(`${source} was accepted`);
    return r;
  };

  it("refuses look-around and back-references at the offset where they start", () => {
    expect(refusal("^ab(?=c)")).toMatchObject({ kind: "unsupported", index: 3, reason: expect.stringMatching(/look-ahead/) });
    expect(refusal("x(?<!a)b")).toMatchObject({ kind: "unsupported", index: 1, reason: expect.stringMatching(/look-behind/) });
    expect(refusal("^(a+)\\1$")).toMatchObject({ kind: "unsupported", index: 5, reason: expect.stringMatching(/back-reference/) });
    expect(refusal("(?<x>a)\\k<x>")).toMatchObject({ kind: "unsupported", index: 7 });
  });

  it("refuses what V8 does not compile, with V8's reason", () => {
    expect(refusal("team-(a|b")).toMatchObject({ kind: "invalid", reason: "Unterminated group" });
    expect(refusal("a{2,1}")).toMatchObject({ kind: "invalid" });
  });

  it("refuses patterns whose automaton would be too large, and never overflows its stack", () => {
    expect(refusal("(.*){1,32000}[bc]").reason).toMatch(/automaton states/);
    expect(refusal("(\\w{1,50}\\s?){1,50}$").reason).toMatch(/automaton states/);
    expect(refusal("(".repeat(5000) + ")".repeat(5000)).reason).toMatch(/nest deeper/);
    expect(refusal("((((a{1,9}){1,9}){1,9}){1,9}){1,9}").reason).toMatch(/automaton states/);
  });

  it("accepts nested counted repetition that backtracking engines take exponential time on, and runs it linearly", () => {
    for (const source of ["(a{1,10}){1,10}$", "^(\\w{1,20}-?){1,20}$", "^(a+)+$", "(\\w|\\d)*!$", "\\d+\\d+$"]) {
      const regex = compiled(source);
      expect(regex.test("a".repeat(50_000) + "\u0000")).toBe(false);
    }
  });
});
