/**
 * The compile context threaded through every pass: options, and the diagnostic
 * collector. Passes report through `ctx.report` and never throw for user errors;
 * the pipeline stops after a pass whose reports include an error.
 */
import type { AnalysisReports } from "./analysis/reports.js";
import type { CodeName, MessageParams } from "./diagnostics/codes.js";
import { type Diagnostic, type RelatedLocation, type SourceSpan, createDiagnostic, sortDiagnostics } from "./diagnostics/diagnostic.js";
import type { Origin } from "./ir.js";
import { Sidecar } from "./sidecar.js";
import { type SpanPart, formatPath, spanAt } from "./load/source-map.js";

/** Where a diagnostic points: a policy origin (resolved through the source map) or a ready span. */
export type Site = Origin | SourceSpan;

/** Optional parts of a report. */
export interface ReportOptions {
  /** For an origin: point at the key or the value of the entry (default: value). */
  part?: SpanPart;
  suggestion?: string;
  /** Other places that explain the finding; an origin points at its value unless `part` says otherwise. */
  related?: readonly { at: Site; message: string; part?: SpanPart }[];
}

/** Fixed inputs of one compilation. */
export interface CompileOptions {
  /** Stamped into the plan as `compilerVersion`. */
  readonly compilerVersion: string;
  /** File paths in input order; diagnostics are sorted by it. */
  readonly files: readonly string[];
  /** The instant time-dependent checks (key expiry) compare with, in ms; absent: the clock. */
  readonly now?: number;
}

/** Per-compilation state shared by all passes: options and the diagnostics collected so far. */
export class CompileContext {
  readonly options: CompileOptions;
  /** Outputs that are not part of the plan: source positions and policy tests. */
  readonly sidecar = new Sidecar();
  readonly #diagnostics: Diagnostic[] = [];
  #errors = 0;
  #reports: AnalysisReports = {};

  constructor(options: CompileOptions) {
    this.options = options;
  }

  /** Records one diagnostic from the table. */
  report<K extends CodeName>(name: K, params: MessageParams<K>, site: Site, options: ReportOptions = {}): void {
    const span = isOrigin(site) ? spanAt(site, options.part) : site;
    const related = options.related?.map((r) => relatedLocation(r.at, r.message, r.part));
    const diagnostic = createDiagnostic(name, params, span, {
      ...(isOrigin(site) ? { path: formatPath(site.path) } : {}),
      ...(options.suggestion !== undefined ? { suggestion: options.suggestion } : {}),
      ...(related !== undefined ? { related } : {}),
    });
    if (diagnostic.severity === "error") this.#errors++;
    this.#diagnostics.push(diagnostic);
  }

  /** Errors reported so far; the pipeline compares it before and after each pass. */
  get errorCount(): number {
    return this.#errors;
  }

  /** Publishes an analysis result (e.g. the worst-case table); a later publish of the same name replaces it. */
  publish<K extends keyof AnalysisReports>(name: K, value: AnalysisReports[K]): void {
    this.#reports = { ...this.#reports, [name]: value };
  }

  /** The analysis results published so far. */
  reports(): AnalysisReports {
    return this.#reports;
  }

  /** Every diagnostic, in reading order (file order, line, column). */
  diagnostics(): Diagnostic[] {
    return sortDiagnostics(this.#diagnostics, this.options.files);
  }
}

function isOrigin(site: Site): site is Origin {
  return "doc" in site;
}

function relatedLocation(site: Site, message: string, part: SpanPart = "value"): RelatedLocation {
  const span = isOrigin(site) ? spanAt(site, part) : site;
  return { file: span.file, line: span.line, col: span.col, message };
}

/** The origin of a child value: `child(at, "targets", 0)`. */
export function child(at: Origin, ...segments: (string | number)[]): Origin {
  return { doc: at.doc, path: [...at.path, ...segments] };
}
