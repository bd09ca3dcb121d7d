#!/usr/bin/env node
/**
 * The `tollgate` command line: the composition root that sits above both the
 * compiler (check, compile) and the runtime (serve, mock-upstream). The verbs and
 * their flags are declared in program.ts; this file runs them and maps parse
 * problems to exit codes.
 */
import { CommanderError } from "commander";
import { createProgram } from "./program.js";

try {
  await createProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every other parse problem is a usage error.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`tollgate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
