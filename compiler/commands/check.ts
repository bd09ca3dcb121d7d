/**
 * `tollgate check <paths...>`: compile without writing anything; report diagnostics,
 * then the worst case per model (a table after them in the human format, `worstCase`
 * in the JSON format). Exit 0 when clean (warnings allowed unless --strict), 1 on
 * errors, 2 on usage errors.
 */
import { renderPoolShares } from "../analysis/render-pool-shares.js";
import { renderWorstCaseTable } from "../analysis/render-worst-case.js";
import { EXIT, failed, printDiagnostics, runCompiler } from "./run-compiler.js";

/** Runs `tollgate check`; returns the exit code. */
export async function checkCommand(paths: string[], opts: { format: string; strict?: boolean }): Promise<number> {
  const run = await runCompiler("check", paths, opts.format);
  if (typeof run === "number") return run;
  const worstCase = run.result.reports.worstCase ?? [];
  const poolShares = run.result.reports.poolShares ?? [];
  printDiagnostics(run, poolShares.length > 0 ? { worstCase, poolShares } : { worstCase });
  // With the diagnostics on stderr, so a terminal shows them in order.
  if (run.format === "human" && worstCase.length > 0) process.stderr.write("\n" + renderWorstCaseTable(worstCase));
  if (run.format === "human" && poolShares.length > 0) process.stderr.write("\n" + renderPoolShares(poolShares));
  return failed(run, opts.strict) ? EXIT.failed : EXIT.ok;
}
