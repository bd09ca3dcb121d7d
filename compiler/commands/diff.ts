/**
 * `tollgate diff <old> <new>` or `tollgate diff --base <git-ref> <paths…>`: what
 * changes in the gateway's behaviour (see diff/plan-diff.ts), as text, Markdown for a
 * pull-request comment, or JSON. Each side is a plan.json or policy files/dirs.
 *
 * A side that does not compile or fails its policy tests is shown, not dropped: its
 * diagnostics are part of the output (and the diff too, when its plan exists), so the
 * comment is never blank. Exit codes:
 *
 *   0  no change in behaviour
 *   1  behaviour changes, none security-relevant
 *   2  errors: usage, unreadable input, a side that does not compile or fails its tests
 *   3  security-relevant changes (a guardrail removed or weakened, access widened, a
 *      quota loosened, TLS changed, a new destination, credentials, audit)
 *
 * `--fail-on <what>` picks which changes give a non-zero exit, for CI: `change` (the
 * default, as above), `security` (only security-relevant changes: 3; other changes 0),
 * or `never` (0 whatever changes). Errors exit 2 in every mode.
 */
import { type DiffSide, sideFromGit, sideFromPaths } from "./diff/diff-inputs.js";
import { diffPlans } from "./diff/plan-diff.js";
import { type DiffReport, renderDiffJson, renderDiffMarkdown, renderDiffText } from "./diff/render-diff.js";
import { usage } from "./plan-input.js";
import { EXIT } from "./run-compiler.js";

/** Options of `tollgate diff`. */
export interface DiffOptions {
  base?: string;
  format: string;
  failOn?: string;
  include?: string[];
}

const FORMATS = ["human", "markdown", "json"] as const;
const FAIL_ON = ["change", "security", "never"] as const;

/** Exit codes of `tollgate diff` beyond the shared ones. */
export const DIFF_EXIT = { changed: 1, security: 3 } as const;

/** Runs `tollgate diff`; returns the exit code. */
export async function diffCommand(args: string[], opts: DiffOptions): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(opts.format)) return usage("diff", `unknown --format \`${opts.format}\`; use ${FORMATS.join(", ")}`);
  const failOn = opts.failOn ?? "change";
  if (!(FAIL_ON as readonly string[]).includes(failOn)) return usage("diff", `unknown --fail-on \`${failOn}\`; use ${FAIL_ON.join(", ")}`);
  const read = opts.include === undefined ? {} : { include: opts.include };
  let before: DiffSide | number;
  let after: DiffSide | number;
  if (opts.base !== undefined) {
    if (args.length === 0) return usage("diff", "with --base, give the policy paths to compare");
    before = await sideFromGit(opts.base, args, read);
    if (typeof before === "number") return before;
    after = await sideFromPaths(args, read);
  } else {
    const [old, now] = args;
    if (args.length !== 2 || old === undefined || now === undefined)
      return usage("diff", "give <old> and <new> (each a plan.json or a policy file or directory), or --base <git-ref> <paths…>");
    before = await sideFromPaths([old], read);
    if (typeof before === "number") return before;
    after = await sideFromPaths([now], read);
  }
  if (typeof after === "number") return after;

  const diff =
    before.plan === null || after.plan === null
      ? null
      : diffPlans(before.plan, after.plan, {
          ...(before.assumed !== undefined ? { before: before.assumed } : {}),
          ...(after.assumed !== undefined ? { after: after.assumed } : {}),
        });
  const report: DiffReport = { labels: { before: before.label, after: after.label }, diff, failures: { before: before.failure, after: after.failure } };
  const render = opts.format === "json" ? renderDiffJson : opts.format === "markdown" ? renderDiffMarkdown : renderDiffText;
  process.stdout.write(render(report));
  // Failures are reported in the output above; the exit code still says the change cannot merge as it is.
  if (before.failure !== null || after.failure !== null) {
    if (opts.format !== "human")
      process.stderr.write(
        `tollgate diff: ${[before.failure && `the old side ${before.failure.summary}`, after.failure && `the new side ${after.failure.summary}`].filter(Boolean).join("; ")}\n`,
      );
    return EXIT.usage;
  }
  if (diff === null || failOn === "never") return EXIT.ok;
  if (diff.security.length > 0) return DIFF_EXIT.security;
  return diff.count === 0 || failOn === "security" ? EXIT.ok : DIFF_EXIT.changed;
}
