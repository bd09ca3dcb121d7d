// @ts-check
/**
 * Compile speed: times `compileSources` on a generated policy with 1,000 routes and
 * 200 providers (bench/lib/big-policy.mjs), the median of 5 runs after one warm-up.
 * The target is under 2 s. Run it alone with `node bench/compile-speed.mjs` (after
 * `npm run build`); `npm run bench` runs it at the end and prints its line.
 */
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { bigPolicy } from "./lib/big-policy.mjs";

/** The ceiling the issue sets. */
export const COMPILE_BUDGET_MS = 2000;
const RUNS = 5;

/**
 * Measures the compile; throws when the policy does not compile (a broken benchmark, not a slow one).
 * @returns {Promise<{ medianMs: number, runsMs: number[], routes: number, providers: number, warnings: number, bytes: number }>}
 */
export async function measureCompileSpeed() {
  const { compileSources } = await import("../dist/compiler/index.js");
  const text = bigPolicy();
  const sources = [{ path: "big-policy.yaml", text }];
  const compile = () => {
    const result = compileSources(sources, { compilerVersion: "bench" });
    if (result.plan === null) {
      const first = result.diagnostics.find((d) => d.severity === "error");
      throw new Error(`the benchmark policy does not compile: ${first?.code} ${first?.message} at ${first?.line}:${first?.col}`);
    }
    return result;
  };
  const warm = compile();
  const runsMs = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    compile();
    runsMs.push(performance.now() - start);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    runsMs,
    routes: warm.plan?.routing.routes.length ?? 0,
    providers: warm.plan?.upstreams.length ?? 0,
    warnings: warm.diagnostics.length,
    bytes: Buffer.byteLength(text),
  };
}

/**
 * One line for the report.
 * @param {Awaited<ReturnType<typeof measureCompileSpeed>>} r
 */
export function compileSpeedLine(r) {
  const verdict = r.medianMs < COMPILE_BUDGET_MS ? "under" : "OVER";
  return (
    `Compile speed: ${r.routes.toLocaleString("en-US")} routes (incl. implicit) and ${r.providers} providers ` +
    `(${Math.round(r.bytes / 1024)} KiB of YAML) compile in ${(r.medianMs / 1000).toFixed(2)} s, median of ${r.runsMs.length} after a warm-up ` +
    `(runs: ${r.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(", ")} s); ${verdict} the ${COMPILE_BUDGET_MS / 1000} s budget.`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measureCompileSpeed();
  process.stdout.write(compileSpeedLine(result) + "\n");
  process.exitCode = result.medianMs < COMPILE_BUDGET_MS ? 0 : 1;
}
