/**
 * `tollgate check <paths...>`: compile without writing anything; report diagnostics.
 * Exit 0 when clean (warnings allowed unless --strict), 1 on errors, 2 on usage errors.
 */
import { EXIT, failed, printDiagnostics, runCompiler } from "./run-compiler.js";

/** Runs `tollgate check`; returns the exit code. */
export async function checkCommand(paths: string[], opts: { format: string; strict?: boolean }): Promise<number> {
  const run = await runCompiler("check", paths, opts.format);
  if (typeof run === "number") return run;
  printDiagnostics(run);
  return failed(run, opts.strict) ? EXIT.failed : EXIT.ok;
}
