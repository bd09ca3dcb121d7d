/**
 * The `tollgate` command line: the verbs, their flags and help texts. Each verb lives
 * in its own file and is imported when it runs; this one only declares flags. main.ts
 * runs it on process.argv; tests run it in process (test/compiler/command-cases.test.ts).
 */
import { Command } from "commander";
import { compilerVersion } from "../compiler/version.js";
import { loadCompilerVerb } from "./compiler-absent.js";

/** A fresh program (commander keeps parse state on the instance). */
export function createProgram(): Command {
  const program = new Command("tollgate")
    .description("Tollgate: an AI gateway whose policy is compiled and proven before it reaches production")
    .version(compilerVersion(), "-V, --version", "print the version (the package's, stamped into every plan as compilerVersion)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command("check")
    .description("validate policies; diagnostics on stderr (human) and the worst case per model on stdout; exit 0 when clean, 1 on errors, 2 on usage errors")
    .argument("<paths...>", "policy files or directories")
    .option("--format <format>", "human | json | github (annotations) | sarif (code scanning)", "human")
    .option("--strict", "treat warnings as errors")
    .option(
      "--include <pattern...>",
      "read only the files of the policy directories that match these globs (e.g. 'policy/*.yaml', '**/*.policy.yaml'), for directories that also hold other YAML",
    )
    .action(async (paths: string[], opts: { format: string; strict?: boolean; include?: string[] }) => {
      const { checkCommand } = await loadCompilerVerb("check", () => import("../compiler/commands/check.js"));
      process.exitCode = await checkCommand(paths, opts);
    });

  program
    .command("compile")
    .description("validate policies, then write the plan atomically (folders created as needed); exit 0 written, 1 policy errors, 2 usage errors or the plan cannot be written")
    .argument("<paths...>", "policy files or directories")
    .requiredOption("-o, --out <file>", "where to write plan.json")
    .option("--format <format>", "human | json | github | sarif", "human")
    .option("--strict", "treat warnings as errors")
    .option(
      "--include <pattern...>",
      "read only the files of the policy directories that match these globs (e.g. 'policy/*.yaml', '**/*.policy.yaml'), for directories that also hold other YAML",
    )
    .option("--alert-rules <file>", "also write the policy's alert rules as Prometheus alerting rules (evaluated once for the whole fleet)")
    .option("--alert-rules-format <format>", "prometheus (a rule file) | kubernetes (a PrometheusRule)", "prometheus")
    .action(async (paths: string[], opts: { out: string; format: string; strict?: boolean; include?: string[]; alertRules?: string; alertRulesFormat?: string }) => {
      const { compileCommand } = await loadCompilerVerb("compile", () => import("../compiler/commands/compile.js"));
      process.exitCode = await compileCommand(paths, opts);
    });

  program
    .command("diff")
    .description(
      "what changes in the gateway's behaviour between two plans or policies, security-relevant changes first; exit 0 no change, 1 changed, 3 security-relevant change, 2 errors (a side that does not compile or fails its tests is shown, then exits 2)",
    )
    .argument("[paths...]", "<old> <new> (each a plan.json or policy files/dirs), or with --base the policy paths")
    .option("--base <git-ref>", "compare the policy paths at this git ref with the working tree")
    .option("--format <format>", "human | markdown | json", "human")
    .option("--fail-on <what>", "which changes exit non-zero: change (1, or 3 when security-relevant) | security (3 only for security-relevant changes) | never", "change")
    .option("--include <pattern...>", "read only the files of the policy directories that match these globs (e.g. 'policy/*.yaml'), for directories that also hold other YAML")
    .action(async (paths: string[], opts: { base?: string; format: string; failOn: string; include?: string[] }) => {
      const { diffCommand } = await loadCompilerVerb("diff", () => import("../compiler/commands/diff.js"));
      process.exitCode = await diffCommand(paths, opts);
    });

  program
    .command("test")
    .description("run the policy tests (`tests:` and *.policy-test.yaml); exit 0 all pass, 1 failures or errors, 2 usage errors")
    .argument("[paths...]", "policy files or directories (default: the current directory)")
    .option("--format <format>", "human | json | github | junit (JUnit XML, for CI test reports)", "human")
    .option(
      "--include <pattern...>",
      "read only the files of the policy directories that match these globs (e.g. 'policy/*.yaml', '**/*.policy.yaml'), for directories that also hold other YAML",
    )
    .action(async (paths: string[], opts: { format: string; include?: string[] }) => {
      const { testCommand } = await loadCompilerVerb("test", () => import("../compiler/commands/test.js"));
      process.exitCode = await testCommand(paths, opts);
    });

  program
    .command("explain")
    .description(
      "show the decision path of one request (routing, guardrails, quotas, attempt order, retries, deadline, hedging, degraded answer), each step with the policy line that decided it; exit 0 served, 1 refused or not served, 2 usage errors",
    )
    .option("--plan <file>", "a compiled plan.json (its plan.sourcemap.json is read from beside it)")
    .option("--policy <paths...>", "policy files or directories, compiled in memory")
    .option(
      "--include <pattern...>",
      "read only the files of the policy directories that match these globs (e.g. 'policy/*.yaml', '**/*.policy.yaml'), for directories that also hold other YAML",
    )
    .requiredOption("--request <file>", "the request body as JSON, or { body, headers }")
    .option("--key <key>", "the API key the request sends (hashed, never printed)")
    .option("--consumer <name>", "send the request as this consumer instead of by key")
    .option("--header <name:value...>", "request headers")
    .option("--fail <rule...>", "also show the attempts made when these upstreams fail: <provider>[/<model>][:<class>][@<delay>] (class server when omitted)")
    .option("--format <format>", "human | json", "human")
    .action(
      async (opts: {
        plan?: string;
        policy?: string[];
        include?: string[];
        request: string;
        key?: string;
        consumer?: string;
        header?: string[];
        fail?: string[];
        format: string;
      }) => {
        const { explainCommand } = await loadCompilerVerb("explain", () => import("../compiler/commands/explain.js"));
        process.exitCode = await explainCommand(opts);
      },
    );

  program
    .command("simulate")
    .description(
      "replay a JSONL trace against a plan offline, with the gateway's decisions (routing, quotas over the trace, retries, fallbacks, deadlines, hedging, degraded answers): outcomes, shares, tokens",
    )
    .option("--plan <file>", "a compiled plan.json")
    .option("--policy <paths...>", "policy files or directories, compiled in memory")
    .option(
      "--include <pattern...>",
      "read only the files of the policy directories that match these globs (e.g. 'policy/*.yaml', '**/*.policy.yaml'), for directories that also hold other YAML",
    )
    .requiredOption("--trace <file>", "one JSON request per line: model, key or consumer, prompt or messages, max_tokens, token counts, timestamp")
    .option(
      "--fail <rule...>",
      "assume failures: <provider>[/<model>][=<rate>][:<class>][@<delay>], e.g. openai=0.3, openai:context_too_long, vllm:timeout (rate 1 and class server when omitted)",
    )
    .option("--seed <n>", "seed of the random draws", "1")
    .option("--rate <n>", "requests per second for trace lines without a `timestamp` (quota windows follow the timestamps)", "1")
    .option("--format <format>", "human | json", "human")
    .action(async (opts: { plan?: string; policy?: string[]; include?: string[]; trace: string; fail?: string[]; seed: string; rate: string; format: string }) => {
      const { simulateCommand } = await loadCompilerVerb("simulate", () => import("../compiler/commands/simulate.js"));
      process.exitCode = await simulateCommand(opts);
    });

  program
    .command("hash-key")
    .description(
      "print the digest of an API key for a consumer's `keys` entry: `sha256` by default, `hmac` (keyed with the secret in $TOLLGATE_KEY_SECRET, or --secret-env) with --hmac; --from-sha256 turns an existing `sha256` entry into its `hmac` form without the key (reads stdin when no key is given)",
    )
    .argument("[key]", "the API key (with --from-sha256: the existing sha256 digest)")
    .option("--hmac", "print the keyed digest, for `hmac:`")
    .option("--from-sha256", "the argument is an existing `sha256` digest, not a key (with --hmac)")
    .option("--secret-env <name>", "environment variable holding listener.apiKeys.hmacSecret's value", "TOLLGATE_KEY_SECRET")
    .action(async (key: string | undefined, opts: { hmac?: boolean; fromSha256?: boolean; secretEnv: string }) => {
      const { hashKeyCommand } = await import("./hash-key.js");
      process.exitCode = await hashKeyCommand(key, opts);
    });

  program
    .command("audit")
    .description("audit log tools")
    .command("verify")
    .description("check an audit log's hash chains; exit 0 intact, 1 naming the first broken line, 2 when the file cannot be read")
    .argument("<file>", "the audit log file")
    .action(async (file: string) => {
      const { auditVerifyCommand } = await import("./audit.js");
      process.exitCode = await auditVerifyCommand(file);
    });

  program
    .command("usage")
    .description("fleet-wide usage from the plan's stores (the Redis ledger or PostgreSQL's rows), grouped, with month-end forecasts; exit 0, 1 on store errors, 2 on usage errors")
    .requiredOption("--plan <file>", "the compiled plan.json naming the stores (their secrets are read from the environment)")
    .option("--source <store>", "redis | postgres (default: redis when the plan has stores.redis)")
    .option("--since <time>", "start: 24h, 7d, 30m ago, or an ISO date (default: the start of this month, UTC)")
    .option("--until <time>", "end (default: now)")
    .option("--by <dims>", "group by consumer, team, model, provider, tag, tag:<name> (comma-separated)", "team,model")
    .option("--format <format>", "table | json | csv", "table")
    .action(async (opts: { plan: string; source?: string; since?: string; until?: string; by: string; format: string }) => {
      const { usageCommand } = await import("./usage.js");
      process.exitCode = await usageCommand(opts);
    });

  program
    .command("serve")
    .description("serve a plan (or compile a policy directory in memory, for development)")
    .option("--plan <file>", "a compiled plan.json")
    .option("--policy <paths...>", "policy files or directories, compiled in memory")
    .option("--host <host>", "listen address", "127.0.0.1")
    .option("--port <port>", "listen port", process.env.PORT ?? "8080")
    .option(
      "--server <kind>",
      "auto | node | uws (auto, the default: node:http, safe to expose directly; uws only behind a proxy that re-frames requests)",
      process.env.TOLLGATE_SERVER || "auto",
    )
    .option("--admin-port <port>", "admin listener port (overrides listener.admin.port; the token comes from the policy)")
    .option("--share-port", "bind even when another process listens on the port (SO_REUSEPORT: the kernel splits connections between them); without it a port in use is refused")
    .option(
      "--workers <n>",
      "serving worker threads sharing the port (default: the CPUs this process may use, after CPU affinity and the cgroup CPU quota; 1: no worker threads)",
      process.env.TOLLGATE_WORKERS || undefined,
    )
    .action(async (opts: { plan?: string; policy?: string[]; host: string; port: string; server: string; adminPort?: string; sharePort?: boolean; workers?: string }) => {
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
      const { mockUpstreamCommand } = await import("../tools/mock-upstream/command.js");
      process.exitCode = await mockUpstreamCommand(opts);
    });
  return program;
}
