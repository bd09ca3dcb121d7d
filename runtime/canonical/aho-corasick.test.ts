/**
 * The one Aho–Corasick automaton, in both of its uses: substrings (deny terms, any
 * case or exact) and whole words (classifier keywords, deny terms by default),
 * including scripts written without spaces (issue #17), and its agreement with the
 * compiler's offline mirror of the word rule.
 */
import { describe, expect, it } from "vitest";
import { isWholeWordAt } from "../../schemas/plan/word-match.js";
import { AhoCorasick } from "./aho-corasick.js";

/** The matched slices of `text`, in order of their ends. */
function find(terms: readonly string[], text: string, options: { wholeWord?: boolean; foldCase?: boolean } = {}): string[] {
  const ac = new AhoCorasick(
    terms.map((t) => ({ text: t, wholeWord: options.wholeWord ?? false })),
    { foldCase: options.foldCase ?? true },
  );
  const out: string[] = [];
  ac.scan(text, (_, start, end) => {
    out.push(text.slice(start, end));
  });
  return out;
}

describe("Aho–Corasick: substrings", () => {
  it("finds overlapping patterns and patterns inside others in one pass", () => {
    expect(find(["he", "she", "hers", "his"], "ushers")).toEqual(["she", "he", "hers"]);
    expect(find(["a", "aa", "aaa"], "aaaa")).toEqual(["a", "aa", "a", "aaa", "aa", "a", "aaa", "aa", "a"]);
  });

  it("folds case when asked, keeping the original text's offsets", () => {
    expect(find(["project falcon"], "About PROJECT FALCON.")).toEqual(["PROJECT FALCON"]);
    expect(find(["Secret"], "secret", { foldCase: false })).toEqual([]);
    expect(find(["straße"], "STRAßE")).toEqual(["STRAßE"]);
    // Final and medial sigma fold together, so a word typed either way matches the other.
    expect(find(["οδος"], "ΟΔΟΣ")).toEqual(["ΟΔΟΣ"]);
    expect(find(["οδοσ"], "οδος")).toEqual(["οδος"]);
    // Dotless ı folds only in Turkic folding, which a term list cannot assume.
    expect(find(["sik"], "SIK sık")).toEqual(["SIK"]);
  });

  it("reports the pattern index and can stop early", () => {
    const ac = new AhoCorasick(
      ["x", "y"].map((text) => ({ text, wholeWord: false })),
      { foldCase: false },
    );
    const seen: number[] = [];
    ac.scan("xyxy", (p) => {
      seen.push(p);
      return seen.length < 3;
    });
    expect(seen).toEqual([0, 1, 0]);
  });

  it("handles thousands of patterns and ignores empty ones", () => {
    const terms = [...Array.from({ length: 5000 }, (_, i) => `term${i}x`), ""];
    expect(find(terms, "nothing here but term4321x and term12x")).toEqual(["term4321x", "term12x"]);
  });
});

describe("Aho–Corasick: whole words", () => {
  const words = (terms: readonly string[], text: string): string[] => find(terms, text, { wholeWord: true });

  it("keeps Latin, Cyrillic and accented words whole", () => {
    expect(words(["prove"], "please prove it")).toEqual(["prove"]);
    expect(words(["prove"], "improve it, proven")).toEqual([]);
    expect(words(["prove"], "improve, then prove.")).toEqual(["prove"]);
    expect(words(["secret"], "secretary secret_key")).toEqual([]);
    expect(words(["caf"], "café")).toEqual([]);
    expect(words(["кот"], "котик и кот")).toEqual(["кот"]);
    expect(words(["he", "she", "hers", "his"], "ushers and HIS")).toEqual(["HIS"]);
  });

  it("checks only the edges of a term that are word characters", () => {
    expect(words(["c++"], "c++x and ac++")).toEqual(["c++"]);
    expect(words(["#tag"], "a#tag b")).toEqual(["#tag"]);
  });

  it("matches CJK, kana and Thai terms inside unbroken text (issue #17)", () => {
    expect(words(["证明"], "请证明这个定理")).toEqual(["证明"]);
    expect(words(["機密"], "これは機密文書です")).toEqual(["機密"]);
    expect(words(["ラーメン"], "今日はラーメンを食べた")).toEqual(["ラーメン"]);
    expect(words(["ความลับ"], "นี่คือความลับของบริษัท")).toEqual(["ความลับ"]);
    expect(words(["机密"], "这是机密文件")).toEqual(["机密"]);
  });

  it("matches a Latin word beside CJK characters, but not inside a Latin word", () => {
    expect(words(["ai"], "用AI写")).toEqual(["AI"]);
    expect(words(["ai"], "maintain 用")).toEqual([]);
  });

  it("keeps Hangul words whole (Korean separates words with spaces)", () => {
    expect(words(["비밀"], "이것은 비밀 입니다")).toEqual(["비밀"]);
    expect(words(["비밀"], "비밀번호")).toEqual([]);
  });

  it("reads a surrogate pair around a match as one character", () => {
    // U+20000 (CJK Extension B) is Han: no boundary; U+1D400 (mathematical bold A) is a letter: a boundary.
    expect(words(["证明"], "\u{20000}证明")).toEqual(["证明"]);
    expect(words(["ab"], "\u{1D400}ab")).toEqual([]);
    expect(words(["ab"], "😀ab😀")).toEqual(["ab"]);
  });

  it("agrees with the compiler's offline word rule", () => {
    const texts = ["请证明这个定理", "用AI写", "maintain AI", "котик и кот", "café caf", "c++x", "\u{20000}证明", "x_prove_x prove"];
    const terms = ["证明", "ai", "AI", "кот", "caf", "c++", "prove"];
    for (const text of texts) {
      for (const term of terms) {
        const ours = find([term], text, { wholeWord: true, foldCase: false }).length;
        let offline = 0;
        for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + 1)) if (isWholeWordAt(term, text, at, at + term.length)) offline++;
        expect(ours, `${term} in ${text}`).toBe(offline);
      }
    }
  });
});
