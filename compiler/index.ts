/**
 * The compiler's public API. Everything else in compiler/ is internal.
 *
 *   compileSources(sources) → { plan, planJson, diagnostics }   (pure, synchronous)
 *   compilePaths(paths)     → the same, reading files and directories
 *   renderDiagnostics(...)  → human (code frames), JSON or GitHub annotations
 *   writePlanAtomic(...)    → tmp file + rename
 */
import type { Plan } from "../schemas/plan/plan.js";
import type { AnalysisReports } from "./analysis/reports.js";
import { CompileContext } from "./context.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import type { Source } from "./ir.js";
import { readPolicySources } from "./load/read-paths.js";
import { compilerPipeline } from "./pipeline.js";
import type { PolicyTestResult } from "./policy-tests/policy-test-case.js";
import type { PlanSourceMap } from "./sourcemap/plan-source-map.js";
import { buildSourceMap } from "./sourcemap/source-facts.js";
import { compilerVersion } from "./version.js";

export type { Diagnostic, RelatedLocation } from "./diagnostics/diagnostic.js";
export type { DiagnosticFormat, RenderOptions } from "./diagnostics/render.js";
export type { Source } from "./ir.js";
export type { AnalysisReports, WorstCase } from "./analysis/reports.js";
export { diagnosticFormats, renderDiagnostics, summaryLine } from "./diagnostics/render.js";
export { countDiagnostics } from "./diagnostics/diagnostic.js";
export { UsageError, readPolicySources } from "./load/read-paths.js";
export { writePlanAtomic } from "./emit/write-plan.js";
export type { PlanSourceMap, SourceLocation } from "./sourcemap/plan-source-map.js";
export type { PolicyTestResult, TestFailure } from "./policy-tests/policy-test-case.js";

/** The outcome of a compilation: the plan when there were no errors, and every diagnostic. */
export interface CompileResult {
  plan: Plan | null;
  /** The plan file text: canonical JSON, 2-space indent, trailing newline. */
  planJson: string | null;
  diagnostics: Diagnostic[];
  /** Analysis results other than diagnostics (the worst case per model), as far as the passes got. */
  reports: AnalysisReports;
  /** Plan JSON pointer → policy line, for `tollgate explain`; null without a plan. Never part of the plan. */
  sourceMap: PlanSourceMap | null;
  /** The policy tests and their outcomes (empty when compilation stopped before they ran). */
  tests: readonly PolicyTestResult[];
  /**
   * The finished plan the policy tests ran against: set also when a test fails (then
   * `plan` is null), so `diff` can still show what the change does. Never deploy it.
   */
  testedPlan: Plan | null;
}

/** Options of `compileSources`. */
export interface CompileSourcesOptions {
  /** Defaults to the version in tollgate's package.json. */
  compilerVersion?: string;
}

/**
 * Compiles policy sources, merged in the order given, into a plan. Never throws for
 * problems in the policy (those are diagnostics); throws only on a compiler bug.
 */
export function compileSources(sources: readonly Source[], opts: CompileSourcesOptions = {}): CompileResult {
  const ctx = new CompileContext({
    compilerVersion: opts.compilerVersion ?? compilerVersion(),
    files: sources.map((s) => s.path),
  });
  const final = compilerPipeline.run(sources, ctx);
  const facts = ctx.sidecar.sourceFacts;
  return {
    plan: final?.plan ?? null,
    planJson: final?.json ?? null,
    diagnostics: ctx.diagnostics(),
    reports: ctx.reports(),
    sourceMap: final === null || facts === null ? null : buildSourceMap(facts, final.plan),
    tests: ctx.sidecar.testResults,
    testedPlan: ctx.sidecar.testedPlan,
  };
}

/**
 * Compiles policy files and directories (directories: every *.yaml / *.yml / *.ts, recursively).
 * Files merge in sorted path order. Throws UsageError for a missing path or when no
 * policy file is found.
 */
export async function compilePaths(paths: string[]): Promise<CompileResult> {
  return compileSources(await readPolicySources(paths));
}
