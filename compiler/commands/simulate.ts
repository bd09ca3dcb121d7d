/**
 * `tollgate simulate --plan plan.json --trace trace.jsonl [--fail rule…] [--seed N]
 * [--rate N] [--format human|json]`: replays recorded or synthetic requests against a
 * plan offline (no network, no secrets), taking the gateway's decisions (routing,
 * quotas with counters over the trace, retries, per-class fallbacks, budget, deadline,
 * hedging, degraded answers; see simulate/simulate-trace.ts) under the `--fail`
 * assumptions, and reports outcomes (401/403/404/429, served, degraded, failed),
 * routing shares per model and target, what each quota refused or downgraded, and
 * estimated tokens per consumer and model. The same seed gives the same report.
 * Exit 0, or 2 on usage errors.
 */
import { readFile } from "node:fs/promises";
import { type PlanSourceOptions, loadPlanInput, usage } from "./plan-input.js";
import { EXIT } from "./run-compiler.js";
import { describeRules, parseFailureRules } from "./simulate/failure-rules.js";
import { renderSimulationJson, renderSimulationText } from "./simulate/render-simulation.js";
import { DEFAULT_CLOCK, simulateTrace } from "./simulate/simulate-trace.js";
import { parseTrace } from "./simulate/trace.js";

/** Options of `tollgate simulate`. */
export interface SimulateOptions extends PlanSourceOptions {
  trace: string;
  fail?: string[];
  seed: string;
  /** Requests per second for trace lines without a `timestamp` (default 1). */
  rate?: string;
  format: string;
}

/** Runs `tollgate simulate`; returns the exit code. */
export async function simulateCommand(opts: SimulateOptions): Promise<number> {
  if (opts.format !== "human" && opts.format !== "json") return usage("simulate", `unknown --format \`${opts.format}\`; use human or json`);
  const seed = Number(opts.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) return usage("simulate", `--seed must be a whole number ≥ 0, not ${opts.seed}`);
  const rate = Number(opts.rate ?? "1");
  if (!(rate > 0 && Number.isFinite(rate))) return usage("simulate", `--rate must be a number of requests per second above 0, not ${opts.rate}`);
  const text = await readFile(opts.trace, "utf8").catch(() => null);
  if (text === null) return usage("simulate", `cannot read ${opts.trace}`);
  const requests = parseTrace(text, opts.trace);
  if (typeof requests === "string") return usage("simulate", requests);
  const input = await loadPlanInput("simulate", opts);
  if (typeof input === "number") return input;
  const rules = parseFailureRules(opts.fail ?? [], input.plan);
  if (typeof rules === "string") return usage("simulate", rules);

  const report = simulateTrace(input.plan, requests, rules, seed, { ...DEFAULT_CLOCK, rate });
  const failing = rules.length === 0 ? "no failures assumed" : `failing: ${describeRules(rules)}`;
  if (opts.format === "json") {
    process.stdout.write(renderSimulationJson(report, { trace: opts.trace, plan: input.label, seed, failures: rules }));
  } else {
    process.stdout.write(renderSimulationText(report, `simulate: ${report.requests} requests from ${opts.trace} against ${input.label} (seed ${seed}; ${failing})`));
  }
  return EXIT.ok;
}
