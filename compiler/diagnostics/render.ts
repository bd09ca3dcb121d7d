/**
 * Renders diagnostics for people (file:line:col, code frame, help), for tools (JSON,
 * SARIF for code scanning) and for GitHub Actions annotations. Code frames never show a secret: every span
 * of a `redact` diagnostic is masked in the file's text before any frame is cut.
 */
import { codeFrameColumns } from "@babel/code-frame";
import { definitionOf } from "./codes.js";
import { type Diagnostic, countDiagnostics } from "./diagnostic.js";
import { renderSarif } from "./render-sarif.js";

/** Output formats of `tollgate check` and `tollgate compile`. */
export type DiagnosticFormat = "human" | "json" | "github" | "sarif";

/** The formats, for validating a `--format` flag. */
export const diagnosticFormats: readonly DiagnosticFormat[] = ["human", "json", "github", "sarif"];

/** How to render. */
export interface RenderOptions {
  format: DiagnosticFormat;
  /** ANSI colours in the human format. */
  color?: boolean;
  /** File text by path, for code frames (human format); files not in the map get no frame. */
  sources?: Map<string, string>;
  /** More top-level fields of the JSON format (e.g. `worstCase` from `tollgate check`); the SARIF run's properties. */
  extra?: Readonly<Record<string, unknown>>;
}

/** Renders all diagnostics in one format; the human format ends with an `N errors, M warnings` line. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], opts: RenderOptions): string {
  switch (opts.format) {
    case "json":
      return renderJson(diagnostics, opts.extra);
    case "github":
      return diagnostics.map(renderGithub).join("");
    case "sarif":
      return renderSarif(diagnostics, opts.extra);
    case "human":
      return renderHuman(diagnostics, opts.sources ?? new Map(), opts.color === true);
  }
}

/** "1 error, 2 warnings". */
export function summaryLine(diagnostics: readonly Diagnostic[]): string {
  const { errors, warnings } = countDiagnostics(diagnostics);
  return `${errors} ${errors === 1 ? "error" : "errors"}, ${warnings} ${warnings === 1 ? "warning" : "warnings"}`;
}

function renderJson(diagnostics: readonly Diagnostic[], extra: Readonly<Record<string, unknown>> = {}): string {
  const { errors, warnings } = countDiagnostics(diagnostics);
  return JSON.stringify({ diagnostics, errors, warnings, ...extra }, null, 2) + "\n";
}

// ── GitHub workflow commands ───────────────────────────────────────────────

function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function renderGithub(d: Diagnostic): string {
  const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`, `col=${d.col}`];
  if (d.endLine !== undefined && d.endCol !== undefined) props.push(`endLine=${d.endLine}`, `endColumn=${d.endCol}`);
  props.push(`title=${escapeProperty(d.code)}`);
  const body = d.suggestion === undefined ? d.message : `${d.message}\nhelp: ${d.suggestion}`;
  return `::${d.severity} ${props.join(",")}::${escapeData(body)}\n`;
}

// ── Human ──────────────────────────────────────────────────────────────────

const ansi = {
  red: (s: string) => `\u001b[1;31m${s}\u001b[0m`,
  yellow: (s: string) => `\u001b[1;33m${s}\u001b[0m`,
  bold: (s: string) => `\u001b[1m${s}\u001b[0m`,
  cyan: (s: string) => `\u001b[36m${s}\u001b[0m`,
};

function renderHuman(diagnostics: readonly Diagnostic[], sources: Map<string, string>, color: boolean): string {
  const paint = color ? ansi : { red: id, yellow: id, bold: id, cyan: id };
  const masked = maskedSources(diagnostics, sources);
  const blocks = diagnostics.map((d) => {
    const severity = d.severity === "error" ? paint.red(`error ${d.code}`) : paint.yellow(`warning ${d.code}`);
    const lines = [`${d.file}:${d.line}:${d.col}: ${severity}: ${paint.bold(d.message)}`];
    const text = masked.get(d.file);
    if (text !== undefined) lines.push(frame(text, d, color));
    if (d.suggestion !== undefined) lines.push(`  ${paint.cyan("= help:")} ${d.suggestion}`);
    for (const r of d.related ?? []) lines.push(`  ${paint.cyan("= note:")} ${r.file}:${r.line}:${r.col}: ${r.message}`);
    return lines.join("\n") + "\n";
  });
  blocks.push(summaryLine(diagnostics) + "\n");
  return blocks.join("\n");
}

/** What a redacted span is replaced with in code frames. */
const MASK = "****";

function id(s: string): string {
  return s;
}

/** A frame of one line above and below; multi-line spans are underlined on their first line only. */
function frame(text: string, d: Diagnostic, color: boolean): string {
  const start = { line: d.line, column: d.col };
  // A redacted span now reads `****`: underline that, not the secret's original length.
  const endCol = definitionOf(d.code)?.redact === true ? d.col + MASK.length : d.endCol;
  const sameLine = (d.endLine === d.line || definitionOf(d.code)?.redact === true) && endCol !== undefined && endCol > d.col;
  const location = sameLine ? { start, end: { line: d.line, column: endCol } } : { start };
  return codeFrameColumns(text, location, { linesAbove: 1, linesBelow: 1, highlightCode: color, forceColor: color });
}

/** The text of each file with every redacted span replaced by `****`. */
function maskedSources(diagnostics: readonly Diagnostic[], sources: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, text] of sources) {
    const spans = diagnostics.filter((d) => d.file === file && definitionOf(d.code)?.redact === true);
    out.set(file, spans.length === 0 ? text : maskSpans(text, spans));
  }
  return out;
}

/** Replaces each span's characters with `****`, line by line, keeping line count and indentation. */
export function maskSpans(text: string, spans: readonly Pick<Diagnostic, "line" | "col" | "endLine" | "endCol">[]): string {
  const lines = text.split(/\r?\n/);
  // Right to left, so masking one span does not shift the columns of another on the same line.
  const ordered = [...spans].sort((a, b) => b.line - a.line || b.col - a.col);
  for (const span of ordered) {
    const endLine = span.endLine ?? span.line;
    for (let n = span.line; n <= endLine; n++) {
      const line = lines[n - 1];
      if (line === undefined) break;
      const from = n === span.line ? span.col - 1 : line.length - line.trimStart().length;
      const to = n === endLine && span.endCol !== undefined ? span.endCol - 1 : line.length;
      if (to > from) lines[n - 1] = line.slice(0, from) + MASK + line.slice(to);
    }
  }
  return lines.join("\n");
}
