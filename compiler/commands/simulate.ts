/**
 * `tollgate simulate --plan plan.json --trace trace.jsonl [--fail provider[=rate]…]
 * [--seed N] [--format human|json]`: replays recorded or synthetic requests against
 * a plan offline (no network, no secrets) and reports outcomes (401/403/404, served,
 * failed), routing shares per model and target, fallbacks taken under the `--fail`
 * assumptions, and estimated tokens per consumer and model. The same seed gives the
 * same report. Exit 0, or 2 on usage errors.
 */
import { readFile } from "node:fs/promises";
import { type PlanSourceOptions, loadPlanInput, usage } from "./plan-input.js";
import { EXIT } from "./run-compiler.js";
import { describeRules, parseFailureRules } from "./simulate/failure-rules.js";
import { renderSimulationJson, renderSimulationText } from "./simulate/render-simulation.js";
import { simulateTrace } from "./simulate/simulate-trace.js";
import { parseTrace } from "./simulate/trace.js";

/** Options of `tollgate simulate`. */
export interface SimulateOptions extends PlanSourceOptions {
  trace: string;
  fail?: string[];
  seed: string;
  format: string;
}

/** Runs `tollgate simulate`; returns the exit code. */
export async function simulateCommand(opts: SimulateOptions): Promise<number> {
  if (opts.format !== "human" && opts.format !== "json") return usage("simulate", `unknown --format \`${opts.format}\`; use human or json`);
  const seed = Number(opts.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) return usage("simulate", `--seed must be a whole number ≥ 0, not ${opts.seed}`);
  const text = await readFile(opts.trace, "utf8").catch(() => null);
  if (text === null) return usage("simulate", `cannot read ${opts.trace}`);
  const requests = parseTrace(text, opts.trace);
  if (typeof requests === "string") return usage("simulate", requests);
  const input = await loadPlanInput("simulate", opts);
  if (typeof input === "number") return input;
  const rules = parseFailureRules(opts.fail ?? [], input.plan);
  if (typeof rules === "string") return usage("simulate", rules);

  const report = simulateTrace(input.plan, requests, rules, seed);
  const failing = rules.length === 0 ? "no failures assumed" : `failing: ${describeRules(rules)}`;
  if (opts.format === "json") {
    process.stdout.write(renderSimulationJson(report, { trace: opts.trace, plan: input.label, seed, failures: rules }));
  } else {
    process.stdout.write(renderSimulationText(report, `simulate: ${report.requests} requests from ${opts.trace} against ${input.label} (seed ${seed}; ${failing})`));
  }
  return EXIT.ok;
}
