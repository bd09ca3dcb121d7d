/**
 * The plan a command inspects (explain, simulate, diff): read from a plan file, with
 * its source map from beside it when that map belongs to it, or compiled in memory
 * from policy paths. A plan file is checked exactly as the runtime checks it
 * (version, schema, hash). Problems are printed here; the caller gets an exit code.
 */
import { readFile } from "node:fs/promises";
import type { Plan } from "../../schemas/plan/plan.js";
import { PlanError, loadPlanFile } from "../../schemas/plan/read-plan.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import type { Source } from "../ir.js";
import { compileSources } from "../index.js";
import { type ReadOptions, UsageError, readPolicySources } from "../load/read-paths.js";
import { type PlanSourceMap, parseSourceMap, sourceMapFileFor } from "../sourcemap/plan-source-map.js";
import { EXIT } from "./run-compiler.js";

/** A plan ready to inspect. */
export interface PlanInput {
  readonly plan: Plan;
  readonly sourceMap: PlanSourceMap | null;
  /** Why there are no policy positions, when there are none. */
  readonly sourceMapNote: string | null;
  /** How to name this plan to a reader: the file, or the policy paths. */
  readonly label: string;
}

/** Where the plan comes from: exactly one of the two (and, for policy directories, which files to read). */
export interface PlanSourceOptions {
  plan?: string;
  policy?: string[];
  include?: string[];
}

/** Loads or compiles the plan; a number is an exit code after the problem was printed. */
export async function loadPlanInput(command: string, opts: PlanSourceOptions): Promise<PlanInput | number> {
  if ((opts.plan === undefined) === (opts.policy === undefined)) return usage(command, "give exactly one of --plan <file> or --policy <paths…>");
  if (opts.plan !== undefined) return fromPlanFile(command, opts.plan);
  return fromPolicy(command, opts.policy ?? [], opts.include === undefined ? {} : { include: opts.include });
}

async function fromPlanFile(command: string, file: string): Promise<PlanInput | number> {
  let plan: Plan;
  try {
    plan = await loadPlanFile(file);
  } catch (err) {
    if (err instanceof PlanError) return usage(command, err.message);
    throw err;
  }
  const mapFile = sourceMapFileFor(file);
  const text = await readFile(mapFile, "utf8").catch(() => null);
  if (text === null) return { plan, sourceMap: null, sourceMapNote: `no ${mapFile}: policy lines are not shown`, label: file };
  const parsed = parseSourceMap(text, plan.hash);
  if (typeof parsed === "string") return { plan, sourceMap: null, sourceMapNote: `${mapFile} is not used: ${parsed}`, label: file };
  return { plan, sourceMap: parsed, sourceMapNote: null, label: file };
}

/** Compiles policy paths in memory; errors are printed (human format) and give exit 2. */
export async function fromPolicy(command: string, paths: readonly string[], read: ReadOptions = {}): Promise<PlanInput | number> {
  let sources: Source[];
  try {
    sources = await readPolicySources(paths, read);
  } catch (err) {
    if (err instanceof UsageError) return usage(command, err.message);
    throw err;
  }
  const result = compileSources(sources);
  if (result.plan === null || result.sourceMap === null) {
    const texts = new Map(sources.map((s) => [s.path, s.text]));
    process.stderr.write(renderDiagnostics(result.diagnostics, { format: "human", color: colorOnStderr(), sources: texts }));
    process.stderr.write(`tollgate ${command}: ${paths.join(" ")} does not compile\n`);
    return EXIT.usage;
  }
  return { plan: result.plan, sourceMap: result.sourceMap, sourceMapNote: null, label: paths.join(" ") };
}

/** Prints a usage problem; returns exit code 2. */
export function usage(command: string, message: string): number {
  process.stderr.write(`tollgate ${command}: ${message}\n`);
  return EXIT.usage;
}

/** ANSI colours on stderr when it is a terminal and NO_COLOR is unset. */
export function colorOnStderr(): boolean {
  return process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
}
