/**
 * What `check` and `compile` share: validating --format, reading the policy paths
 * (usage errors → exit 2; `--include` patterns for directories that hold other YAML),
 * printing diagnostics where each format belongs (human on stderr; json, sarif and
 * github on stdout, for tools), and the exit-code rule.
 */
import { compileSources, type CompileResult } from "../index.js";
import { type DiagnosticFormat, diagnosticFormats, renderDiagnostics } from "../diagnostics/render.js";
import { countDiagnostics } from "../diagnostics/diagnostic.js";
import { type ReadOptions, UsageError, readPolicySources } from "../load/read-paths.js";

/** Exit codes of the policy commands. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A finished compilation, with what printing it needs. */
export interface CompileRun {
  result: CompileResult;
  format: DiagnosticFormat;
  /** File texts, for code frames. */
  sources: Map<string, string>;
}

/** Compiles `paths`; a number is the exit code of a usage error (already printed). */
export async function runCompiler(command: string, paths: string[], format: string, read: ReadOptions = {}): Promise<CompileRun | number> {
  if (!isFormat(format)) {
    process.stderr.write(`tollgate ${command}: unknown --format \`${format}\`; use ${diagnosticFormats.join(", ")}\n`);
    return EXIT.usage;
  }
  try {
    const sources = await readPolicySources(paths, read);
    return { result: compileSources(sources), format, sources: new Map(sources.map((s) => [s.path, s.text])) };
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`tollgate ${command}: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

/** Prints the diagnostics of a run. The human format always ends with the `N errors, M warnings` line. */
export function printDiagnostics(run: CompileRun, extra?: Readonly<Record<string, unknown>>): void {
  const { diagnostics } = run.result;
  if (run.format === "human") {
    const color = process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
    process.stderr.write(renderDiagnostics(diagnostics, { format: "human", color, sources: run.sources }));
  } else if (run.format === "json" || run.format === "sarif" || diagnostics.length > 0) {
    process.stdout.write(renderDiagnostics(diagnostics, { format: run.format, ...(extra !== undefined ? { extra } : {}) }));
  }
}

/** True when the run must fail: any error, or any warning under --strict. */
export function failed(run: CompileRun, strict: boolean | undefined): boolean {
  const { errors, warnings } = countDiagnostics(run.result.diagnostics);
  return errors > 0 || (strict === true && warnings > 0);
}

function isFormat(format: string): format is DiagnosticFormat {
  return (diagnosticFormats as readonly string[]).includes(format);
}
