/**
 * `tollgate compile <paths...> --out plan.json`: compile (policy tests included), and
 * when the policy is clean (warnings allowed unless --strict), write the plan
 * atomically (creating its folder when missing), then its source map beside it
 * (`plan.sourcemap.json`, for `tollgate explain`; not part of the plan or its hash),
 * and print a one-line summary. Exit 0 on success, 1 on errors in the policy, 2 on
 * usage errors and when the plan cannot be written (an input/output problem, not the
 * policy's).
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { writePlanAtomic } from "../emit/write-plan.js";
import type { Plan } from "../../schemas/plan/plan.js";
import { renderSourceMap, sourceMapFileFor } from "../sourcemap/plan-source-map.js";
import { EXIT, failed, printDiagnostics, runCompiler } from "./run-compiler.js";
import { renderAlertRules, type AlertRulesFormat } from "../emit/alert-rules.js";

/** Runs `tollgate compile`; returns the exit code. */
export async function compileCommand(
  paths: string[],
  opts: { out: string; format: string; strict?: boolean; include?: string[]; alertRules?: string; alertRulesFormat?: string },
): Promise<number> {
  const rulesFormat = opts.alertRulesFormat ?? "prometheus";
  if (rulesFormat !== "prometheus" && rulesFormat !== "kubernetes") {
    process.stderr.write(`tollgate compile: --alert-rules-format must be prometheus or kubernetes, not ${rulesFormat}\n`);
    return EXIT.usage;
  }
  const run = await runCompiler("compile", paths, opts.format, opts.include === undefined ? {} : { include: opts.include });
  if (typeof run === "number") return run;
  printDiagnostics(run);
  const { plan, planJson, sourceMap } = run.result;
  if (failed(run, opts.strict) || plan === null || planJson === null) return EXIT.failed;
  const mapFile = sourceMapFileFor(opts.out);
  try {
    await mkdir(dirname(opts.out), { recursive: true });
    await writePlanAtomic(opts.out, planJson);
    if (sourceMap !== null) await writePlanAtomic(mapFile, renderSourceMap(sourceMap));
    if (opts.alertRules !== undefined) await writePlanAtomic(opts.alertRules, renderAlertRules(plan, rulesFormat as AlertRulesFormat));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "ENOTDIR" || code === "EEXIST"
          ? "a file is in the way of its folder"
          : code === "EISDIR"
            ? "it is a directory"
            : err instanceof Error
              ? err.message
              : String(err);
    process.stderr.write(`tollgate compile: cannot write ${opts.out}: ${why}\n`);
    return EXIT.usage;
  }
  // The summary is for people: stdout in the human format, stderr when stdout carries JSON or annotations.
  const line = summarize(opts.out, plan) + "\n";
  if (run.format === "human") process.stdout.write(line);
  else process.stderr.write(line);
  return EXIT.ok;
}

/** `wrote plan.json sha256:… (2 upstreams, 3 targets, 2 models, 3 routes, 1 consumer)` */
export function summarize(out: string, plan: Plan): string {
  const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;
  const counts = [
    count(plan.upstreams.length, "upstream"),
    count(plan.targets.length, "target"),
    count(plan.models.length, "model"),
    count(plan.routing.routes.length, "route"),
    count(plan.consumers.length, "consumer"),
  ];
  return `wrote ${out} ${plan.hash} (${counts.join(", ")})`;
}
