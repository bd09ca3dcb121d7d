/**
 * The two sides of `tollgate diff`: a plan file, policy files or directories compiled
 * in memory, or (with `--base <ref>`) the same policy paths as they are at a git ref,
 * exported with `git ls-tree` and `git show` into a temporary directory. A path that
 * does not exist at the ref is an empty gateway there (the policy is new).
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import type { Plan } from "../../../schemas/plan/plan.js";
import { PlanError, loadPlanFile } from "../../../schemas/plan/read-plan.js";
import { compileSources } from "../../index.js";
import { fromPolicy, usage } from "../plan-input.js";

const run = promisify(execFile);

/** One side of the diff. */
export interface DiffSide {
  readonly plan: Plan;
  readonly label: string;
}

/** A plan file (`*.json`) or policy paths; a number is an exit code after the problem was printed. */
export async function sideFromPaths(paths: readonly string[]): Promise<DiffSide | number> {
  const [only] = paths;
  if (paths.length === 1 && only !== undefined && only.endsWith(".json") && (await stat(only).catch(() => null))?.isFile() === true) {
    try {
      return { plan: await loadPlanFile(only), label: only };
    } catch (err) {
      if (err instanceof PlanError) return usage("diff", err.message);
      throw err;
    }
  }
  const input = await fromPolicy("diff", paths);
  return typeof input === "number" ? input : { plan: input.plan, label: input.label };
}

/** The policy paths as they are at `ref`, compiled. */
export async function sideFromGit(ref: string, paths: readonly string[]): Promise<DiffSide | number> {
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
    if (exported.length === 0) {
      // Nothing there yet: the whole policy is new. An empty gateway compiles (with warnings only).
      const empty = compileSources([]);
      return empty.plan === null ? usage("diff", "internal: an empty gateway does not compile") : { plan: empty.plan, label };
    }
    const input = await fromPolicy("diff", exported);
    return typeof input === "number" ? input : { plan: input.plan, label };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
