/**
 * The two sides of `tollgate diff`: a plan file, policy files or directories compiled
 * in memory, or (with `--base <ref>`) the same policy paths as they are at a git ref,
 * exported with `git ls-tree` and `git show` into a temporary directory. A path that
 * does not exist at the ref is an empty gateway there (the policy is new).
 *
 * A side that does not compile, fails its policy tests, or is not a valid plan file is
 * not a usage error: it becomes a `SideFailure` the diff shows (its diagnostics), so
 * a pull-request comment explains itself. A side whose only errors are failing tests
 * still has the plan the tests ran against, and the diff is computed with it.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import type { Plan } from "../../../schemas/plan/plan.js";
import { PlanError, loadPlanFile } from "../../../schemas/plan/read-plan.js";
import type { WorstCase } from "../../analysis/reports.js";
import { countDiagnostics } from "../../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../../diagnostics/render.js";
import type { Source } from "../../ir.js";
import { compileSources } from "../../index.js";
import { UsageError, type ReadOptions, readPolicySources } from "../../load/read-paths.js";
import { usage } from "../plan-input.js";
import type { SideFailure } from "./diff-display.js";

const run = promisify(execFile);

/** One side of the diff. */
export interface DiffSide {
  readonly label: string;
  /** Null when the side has no plan (it does not compile, or is not a plan file). */
  readonly plan: Plan | null;
  readonly failure: SideFailure | null;
  /** What the policy's worst case assumes per model, when the side was compiled here. */
  readonly assumed?: ReadonlyMap<string, Pick<WorstCase, "assumedTokens" | "maxLatencyMs" | "maxCostUsd">>;
}

/** A plan file (`*.json`) or policy paths; a number is the exit code of a usage error (already printed). */
export async function sideFromPaths(paths: readonly string[], read: ReadOptions = {}): Promise<DiffSide | number> {
  const [only] = paths;
  const label = paths.join(" ");
  if (paths.length === 1 && only !== undefined && only.endsWith(".json") && (await stat(only).catch(() => null))?.isFile() === true) {
    try {
      return { label, plan: await loadPlanFile(only), failure: null };
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
      return { label, plan: null, failure: { summary: "is not a valid plan", diagnostics: [], rendered: err.message } };
    }
  }
  let sources: Source[];
  try {
    sources = await readPolicySources(paths, read);
  } catch (err) {
    if (err instanceof UsageError) return usage("diff", err.message);
    throw err;
  }
  return compileSide(label, sources);
}

/** Compiles a side's sources; failures are kept, not printed. */
export function compileSide(label: string, sources: readonly Source[]): DiffSide {
  const result = compileSources(sources);
  const assumed = new Map((result.reports.worstCase ?? []).map((w) => [w.model, { assumedTokens: w.assumedTokens, maxLatencyMs: w.maxLatencyMs, maxCostUsd: w.maxCostUsd }]));
  if (result.plan !== null) return { label, plan: result.plan, failure: null, assumed };
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  const rendered = renderDiagnostics(errors, { format: "human", color: false, sources: new Map(sources.map((s) => [s.path, s.text])) });
  if (result.testedPlan !== null) {
    const failed = result.tests.filter((t) => t.failures.length > 0 || t.decision === null).length;
    return { label, plan: result.testedPlan, failure: { summary: `fails ${failed} of ${result.tests.length} policy tests`, diagnostics: errors, rendered }, assumed };
  }
  const { errors: n } = countDiagnostics(result.diagnostics);
  return { label, plan: null, failure: { summary: `does not compile (${n} ${n === 1 ? "error" : "errors"})`, diagnostics: errors, rendered } };
}

/** The policy paths as they are at `ref`, compiled. */
export async function sideFromGit(ref: string, paths: readonly string[], read: ReadOptions = {}): Promise<DiffSide | number> {
  const git = async (cwd: string, ...args: string[]): Promise<string> => (await run("git", args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" })).stdout;
  let root: string;
  try {
    root = (await git(process.cwd(), "rev-parse", "--show-toplevel")).trim();
    await git(root, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`);
  } catch {
    return usage("diff", `\`${ref}\` is not a commit of a git repository around ${process.cwd()}`);
  }
  const temp = await mkdtemp(join(tmpdir(), "tollgate-diff-"));
  try {
    const exported: string[] = [];
    for (const path of paths) {
      const inRepo = relative(root, resolve(path));
      if (inRepo.startsWith("..") || isAbsolute(inRepo)) return usage("diff", `${path} is outside the git repository at ${root}`);
      const names = (await git(root, "ls-tree", "-r", "--name-only", ref, "--", inRepo)).split("\n").filter((n) => n !== "");
      for (const name of names) {
        const target = join(temp, name);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, await git(root, "show", `${ref}:${name}`));
      }
      if (names.length > 0) exported.push(join(temp, inRepo));
    }
    const label = `${paths.join(" ")} at ${ref}`;
    // Nothing there yet: the whole policy is new. An empty gateway compiles (with warnings only).
    if (exported.length === 0) return compileSide(label, []);
    let sources: Source[];
    try {
      sources = await readPolicySources(exported, read);
    } catch (err) {
      if (err instanceof UsageError) return usage("diff", `at ${ref}: ${err.message.split(temp + sep).join("")}`);
      throw err;
    }
    // Diagnostics name the files as the working tree does (relative to the current directory).
    const here = relative(process.cwd(), root);
    const named = sources.map((s) => ({ ...s, path: join(here, relative(temp, s.path)) }));
    return compileSide(label, named);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
