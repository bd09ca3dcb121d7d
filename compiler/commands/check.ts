/**
 * `tollgate check <paths...>`: compile without writing anything; report diagnostics
 * (human format: on stderr), then the worst case per model (human format: a table on
 * stdout; `worstCase` in the JSON format; a SARIF run's properties). Exit 0 when clean (warnings allowed unless --strict), 1 on
 * errors, 2 on usage errors.
 */
import { renderPoolShares } from "../analysis/render-pool-shares.js";
import { renderWorstCaseTable } from "../analysis/render-worst-case.js";
import { EXIT, failed, printDiagnostics, runCompiler } from "./run-compiler.js";

/** Runs `tollgate check`; returns the exit code. */
export async function checkCommand(paths: string[], opts: { format: string; strict?: boolean; include?: string[] }): Promise<number> {
  const run = await runCompiler("check", paths, opts.format, opts.include === undefined ? {} : { include: opts.include });
  if (typeof run === "number") return run;
  const worstCase = run.result.reports.worstCase ?? [];
  const poolShares = run.result.reports.poolShares ?? [];
  printDiagnostics(run, poolShares.length > 0 ? { worstCase, poolShares } : { worstCase });
  // Diagnostics go to stderr; the report (what the policy does) is the command's output, on stdout.
  if (run.format === "human" && worstCase.length > 0) process.stdout.write(renderWorstCaseTable(worstCase));
  if (run.format === "human" && poolShares.length > 0) process.stdout.write((worstCase.length > 0 ? "\n" : "") + renderPoolShares(poolShares));
  return failed(run, opts.strict) ? EXIT.failed : EXIT.ok;
}
