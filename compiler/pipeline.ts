/**
 * The ordered pass list. Each pass is `(input, ctx) => output`, reports problems
 * through `ctx`, and mutates nothing it was given. The pipeline stops after the first
 * pass that reported an error: later passes may then assume a well-formed input
 * (every name resolves, every value converted). Warnings never stop it.
 *
 * The pipeline is typed end to end: `then` only accepts a pass whose input is the
 * previous pass's output. `runUntil` exposes any stage for `--emit <pass>`-style tools.
 */
import type { CompileContext } from "./context.js";
import type { FinalPlan, Source } from "./ir.js";
import { loadSources } from "./load/load-sources.js";
import { applyDefaults } from "./passes/apply-defaults.js";
import { buildRouteTable } from "./passes/build-route-table.js";
import { buildWeightTables } from "./passes/build-weight-tables.js";
import { checkCompliance } from "./passes/check-compliance.js";
import { checkConsumers } from "./passes/check-consumers.js";
import { checkDeadConfig } from "./passes/check-dead-config.js";
import { checkFallbacks } from "./passes/check-fallbacks.js";
import { checkModels } from "./passes/check-models.js";
import { checkOptions } from "./passes/check-options.js";
import { checkProviders } from "./passes/check-providers.js";
import { checkReliability } from "./passes/check-reliability.js";
import { checkRegexes } from "./passes/check-regexes.js";
import { checkRoutes } from "./passes/check-routes.js";
import { checkRouting } from "./passes/check-routing.js";
import { checkSecrets } from "./passes/check-secrets.js";
import { checkWorstCase } from "./passes/check-worst-case.js";
import { finalize } from "./passes/finalize.js";
import { lower } from "./passes/lower.js";
import { mergeDocuments } from "./passes/merge-documents.js";
import { resolveRefs } from "./passes/resolve-refs.js";
import { validateShape } from "./passes/validate-shape.js";
import { collectTests } from "./policy-tests/collect-tests.js";
import { compileQuotas } from "./quotas/compile-quotas.js";
import { runTests } from "./policy-tests/run-tests.js";
import { recordSources } from "./sourcemap/source-facts.js";

/** One compiler pass. */
export type Pass<I, O> = (input: I, ctx: CompileContext) => O;

interface Stage {
  readonly name: string;
  readonly run: Pass<unknown, unknown>;
}

/** An ordered, typed list of named passes from `I` to `O`. */
export class Pipeline<I, O> {
  readonly #stages: readonly Stage[];

  private constructor(stages: readonly Stage[]) {
    this.#stages = stages;
  }

  /** An empty pipeline over input `I`. */
  static start<I>(): Pipeline<I, I> {
    return new Pipeline<I, I>([]);
  }

  /** Appends a pass. */
  then<N>(name: string, pass: Pass<O, N>): Pipeline<I, N> {
    return new Pipeline<I, N>([...this.#stages, { name, run: pass as Pass<unknown, unknown> }]);
  }

  /** The pass names, in order. */
  get passNames(): string[] {
    return this.#stages.map((s) => s.name);
  }

  /** Runs every pass; null when a pass reported an error. */
  run(input: I, ctx: CompileContext): O | null {
    return this.runUntil(undefined, input, ctx) as O | null;
  }

  /** Runs up to and including the pass named `last` (all passes when undefined); null on errors. */
  runUntil(last: string | undefined, input: I, ctx: CompileContext): unknown {
    if (last !== undefined && !this.passNames.includes(last)) throw new Error(`no pass named ${last}`);
    let value: unknown = input;
    for (const stage of this.#stages) {
      const errorsBefore = ctx.errorCount;
      value = stage.run(value, ctx);
      if (ctx.errorCount > errorsBefore) return null;
      if (stage.name === last) break;
    }
    return value;
  }
}

/** The compiler: policy sources → plan. */
export const compilerPipeline = Pipeline.start<readonly Source[]>()
  .then("load", loadSources)
  .then("validate-shape", validateShape)
  // Policy tests go to ctx.sidecar, not into the IR: they cannot change the plan.
  .then("collect-tests", collectTests)
  .then("merge-documents", mergeDocuments)
  .then("resolve-refs", resolveRefs)
  .then("apply-defaults", applyDefaults)
  // Before anything evaluates a policy regex: an unsafe one must not stall the compiler.
  .then("check-regexes", checkRegexes)
  .then("check-providers", checkProviders)
  .then("check-models", checkModels)
  .then("check-routes", checkRoutes)
  .then("check-consumers", checkConsumers)
  .then("check-secrets", checkSecrets)
  .then("check-options", checkOptions)
  .then("check-routing", checkRouting)
  // Adds every model's attempt order (model fallbacks flattened) for the passes below.
  .then("check-fallbacks", checkFallbacks)
  .then("check-reliability", checkReliability)
  .then("check-worst-case", checkWorstCase)
  .then("check-compliance", checkCompliance)
  .then("check-dead-config", checkDeadConfig)
  .then("compile-quotas", compileQuotas)
  .then("record-sources", recordSources)
  .then("lower", lower)
  .then("build-route-table", buildRouteTable)
  .then("build-weight-tables", buildWeightTables)
  .then("finalize", finalize)
  .then("run-tests", runTests) satisfies Pipeline<readonly Source[], FinalPlan>;
