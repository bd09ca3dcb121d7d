/**
 * `tollgate diff <old> <new>` or `tollgate diff --base <git-ref> <paths…>`: what
 * changes in the gateway's behaviour (see diff/plan-diff.ts), as text, Markdown for a
 * pull-request comment, or JSON. Each side is a plan.json or policy files/dirs.
 * Exit 0 when nothing changes, 1 when something does, 2 on errors (usage, a plan that
 * fails its checks, a policy that does not compile).
 */
import { type DiffSide, sideFromGit, sideFromPaths } from "./diff/diff-inputs.js";
import { countChanges, diffPlans } from "./diff/plan-diff.js";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "./diff/render-diff.js";
import { usage } from "./plan-input.js";
import { EXIT } from "./run-compiler.js";

/** Options of `tollgate diff`. */
export interface DiffOptions {
  base?: string;
  format: string;
}

const FORMATS = ["human", "markdown", "json"] as const;

/** Exit code when the behaviour changes (as `diff(1)` exits 1 when files differ). */
const CHANGED = 1;

/** Runs `tollgate diff`; returns the exit code. */
export async function diffCommand(args: string[], opts: DiffOptions): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(opts.format)) return usage("diff", `unknown --format \`${opts.format}\`; use ${FORMATS.join(", ")}`);
  let before: DiffSide | number;
  let after: DiffSide | number;
  if (opts.base !== undefined) {
    if (args.length === 0) return usage("diff", "with --base, give the policy paths to compare");
    before = await sideFromGit(opts.base, args);
    if (typeof before === "number") return before;
    after = await sideFromPaths(args);
  } else {
    const [old, now] = args;
    if (args.length !== 2 || old === undefined || now === undefined)
      return usage("diff", "give <old> and <new> (each a plan.json or a policy file or directory), or --base <git-ref> <paths…>");
    before = await sideFromPaths([old]);
    if (typeof before === "number") return before;
    after = await sideFromPaths([now]);
  }
  if (typeof after === "number") return after;

  const diff = diffPlans(before.plan, after.plan);
  const labels = { before: before.label, after: after.label };
  const render = opts.format === "json" ? renderDiffJson : opts.format === "markdown" ? renderDiffMarkdown : renderDiffText;
  process.stdout.write(render(diff, labels));
  return countChanges(diff) === 0 ? EXIT.ok : CHANGED;
}
