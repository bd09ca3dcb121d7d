/**
 * The Diagnostic value every pass produces and every renderer consumes.
 * Positions are 1-based; `endLine`/`endCol` are exclusive (the character after the span).
 */
import { type CodeName, type MessageParams, diagnosticCodes, fillTemplate } from "./codes.js";

/** A location in a policy file. */
export interface SourceSpan {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine?: number;
  readonly endCol?: number;
}

/** A second location that explains a diagnostic, e.g. where a name was first defined. */
export interface RelatedLocation {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** One problem found in the policy. Plain data: safe to serialize as JSON. */
export interface Diagnostic {
  code: string;
  severity: "error" | "warning";
  message: string;
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
  /** Where in the policy document, e.g. `providers[0].baseUrl`. */
  path?: string;
  /** A help line: a likely fix, or the names that would be valid. */
  suggestion?: string;
  related?: RelatedLocation[];
}

/** Optional parts of a diagnostic that a pass may add. */
export interface DiagnosticExtras {
  path?: string;
  suggestion?: string;
  related?: RelatedLocation[];
}

/** Builds a diagnostic from the table; the template parameters are type-checked per code. */
export function createDiagnostic<K extends CodeName>(name: K, params: MessageParams<K>, span: SourceSpan, extras: DiagnosticExtras = {}): Diagnostic {
  const definition = diagnosticCodes[name];
  const help = "help" in definition ? fillTemplate(definition.help, params) : undefined;
  const suggestion = extras.suggestion ?? help;
  const diagnostic: Diagnostic = {
    code: definition.code,
    severity: definition.severity,
    message: fillTemplate(definition.message, params),
    file: span.file,
    line: span.line,
    col: span.col,
  };
  if (span.endLine !== undefined && span.endCol !== undefined) {
    diagnostic.endLine = span.endLine;
    diagnostic.endCol = span.endCol;
  }
  if (extras.path !== undefined) diagnostic.path = extras.path;
  if (suggestion !== undefined) diagnostic.suggestion = suggestion;
  if (extras.related !== undefined && extras.related.length > 0) diagnostic.related = extras.related;
  return diagnostic;
}

/** Error and warning counts. */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const d of diagnostics) if (d.severity === "error") errors++;
  return { errors, warnings: diagnostics.length - errors };
}

/**
 * Orders diagnostics as a reader meets them: by file (in the given file order),
 * then line and column. Stable, so equal positions keep the order passes reported them.
 */
export function sortDiagnostics(diagnostics: readonly Diagnostic[], fileOrder: readonly string[]): Diagnostic[] {
  const rank = new Map(fileOrder.map((file, i) => [file, i]));
  const fileRank = (file: string): number => rank.get(file) ?? fileOrder.length;
  return [...diagnostics].sort((a, b) => fileRank(a.file) - fileRank(b.file) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col);
}
