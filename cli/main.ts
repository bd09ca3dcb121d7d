#!/usr/bin/env node
/**
 * The `tollgate` command line: the composition root that sits above both the
 * compiler (check, compile) and the runtime (serve, mock-upstream). Each verb lives
 * in its own file; this one only declares flags and exit codes.
 */
import { Command, CommanderError } from "commander";

const program = new Command("tollgate")
  .description("Tollgate: an AI gateway whose policy is compiled and proven before it reaches production")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command("check")
  .description("validate policies; exit 0 when clean, 1 on errors, 2 on usage errors")
  .argument("<paths...>", "policy files or directories")
  .option("--format <format>", "human | json | github", "human")
  .option("--strict", "treat warnings as errors")
  .action(async (paths: string[], opts: { format: string; strict?: boolean }) => {
    const { checkCommand } = await import("../compiler/commands/check.js");
    process.exitCode = await checkCommand(paths, opts);
  });

program
  .command("compile")
  .description("validate policies, then write the plan atomically")
  .argument("<paths...>", "policy files or directories")
  .requiredOption("-o, --out <file>", "where to write plan.json")
  .option("--format <format>", "human | json | github", "human")
  .option("--strict", "treat warnings as errors")
  .action(async (paths: string[], opts: { out: string; format: string; strict?: boolean }) => {
    const { compileCommand } = await import("../compiler/commands/compile.js");
    process.exitCode = await compileCommand(paths, opts);
  });

program
  .command("hash-key")
  .description("print the SHA-256 of an API key, for a consumer's `keys: [{sha256: …}]` (reads stdin when no key is given)")
  .argument("[key]", "the API key")
  .action(async (key: string | undefined) => {
    const { hashKeyCommand } = await import("./hash-key.js");
    process.exitCode = await hashKeyCommand(key);
  });

program
  .command("serve")
  .description("serve a plan (or compile a policy directory in memory, for development)")
  .option("--plan <file>", "a compiled plan.json")
  .option("--policy <paths...>", "policy files or directories, compiled in memory")
  .option("--host <host>", "listen address", "127.0.0.1")
  .option("--port <port>", "listen port", process.env.PORT ?? "8080")
  .option("--server <kind>", "uws | node", "uws")
  .action(async (opts: { plan?: string; policy?: string[]; host: string; port: string; server: string }) => {
    const { serveCommand } = await import("./serve.js");
    process.exitCode = await serveCommand(opts);
  });

program
  .command("mock-upstream")
  .description("run a scripted OpenAI-compatible upstream (latency, TTFT, tokens/s, failures per request)")
  .option("--host <host>", "listen address", "127.0.0.1")
  .option("--port <port>", "listen port", "9090")
  .option("--ttft <ms>", "default time to first token, ms", "0")
  .option("--latency <ms>", "default extra latency before the response starts, ms", "0")
  .option("--tps <n>", "default tokens per second (0: as fast as possible)", "0")
  .option("--tokens <n>", "default response length in tokens", "20")
  .action(async (opts: Record<string, string>) => {
    const { mockUpstreamCommand } = await import("../runtime/mock-upstream/command.js");
    process.exitCode = await mockUpstreamCommand(opts);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every other parse problem is a usage error.
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`tollgate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
