import { describe, expect, it } from "vitest";
import type { Diagnostic } from "./diagnostic.js";
import { maskSpans, renderDiagnostics, summaryLine } from "./render.js";

const source = "apiVersion: tollgate/v1\nproviders:\n  - name: openai\n    kind: openai\n";
const error: Diagnostic = {
  code: "TG1016",
  severity: "error",
  message: "`kind` is `openai`",
  file: "p.yaml",
  line: 4,
  col: 11,
  endLine: 4,
  endCol: 17,
  suggestion: "did you mean `openai-compatible`?",
  related: [{ file: "p.yaml", line: 3, col: 13, message: "provider here" }],
};
const warning: Diagnostic = { code: "TG3030", severity: "warning", message: "no consumers", file: "p.yaml", line: 1, col: 1 };

describe("renderDiagnostics", () => {
  it("renders file:line:col, a code frame, help and notes, then a summary", () => {
    const text = renderDiagnostics([error, warning], { format: "human", sources: new Map([["p.yaml", source]]) });
    expect(text).toBe(
      [
        "p.yaml:4:11: error TG1016: `kind` is `openai`",
        "  3 |   - name: openai",
        "> 4 |     kind: openai",
        "    |           ^^^^^^",
        "  5 |",
        "  = help: did you mean `openai-compatible`?",
        "  = note: p.yaml:3:13: provider here",
        "",
        "p.yaml:1:1: warning TG3030: no consumers",
        "> 1 | apiVersion: tollgate/v1",
        "    | ^",
        "  2 | providers:",
        "",
        "1 error, 1 warning",
        "",
      ].join("\n"),
    );
  });

  it("colours only when asked", () => {
    const plain = renderDiagnostics([error], { format: "human" });
    const coloured = renderDiagnostics([error], { format: "human", color: true });
    expect(plain).not.toContain("\u001b[");
    expect(coloured).toContain("\u001b[");
  });

  it("renders JSON with counts", () => {
    const parsed = JSON.parse(renderDiagnostics([error, warning], { format: "json" })) as { errors: number; warnings: number; diagnostics: Diagnostic[] };
    expect(parsed.errors).toBe(1);
    expect(parsed.warnings).toBe(1);
    expect(parsed.diagnostics[0]).toEqual(error);
  });

  it("renders GitHub workflow commands with escaping", () => {
    const text = renderDiagnostics([{ ...error, file: "a,b:c.yaml", message: "50% off\nnext" }], { format: "github" });
    expect(text).toBe("::error file=a%2Cb%3Ac.yaml,line=4,col=11,endLine=4,endColumn=17,title=TG1016::50%25 off%0Anext%0Ahelp: did you mean `openai-compatible`?\n");
  });

  it("summarizes with plurals", () => {
    expect(summaryLine([])).toBe("0 errors, 0 warnings");
    expect(summaryLine([error, error, warning])).toBe("2 errors, 1 warning");
  });
});

describe("maskSpans", () => {
  it("replaces each span with **** and keeps other text", () => {
    const text = "a: secret1\nb: [x, secret2]\n";
    expect(
      maskSpans(text, [
        { line: 1, col: 4, endLine: 1, endCol: 11 },
        { line: 2, col: 8, endLine: 2, endCol: 15 },
      ]),
    ).toBe("a: ****\nb: [x, ****]\n");
  });
  it("masks every line of a multi-line span", () => {
    const text = "k: |\n  line one\n  line two\nnext: 1\n";
    expect(maskSpans(text, [{ line: 1, col: 4, endLine: 3, endCol: 11 }])).toBe("k: ****\n  ****\n  ****\nnext: 1\n");
  });
});
