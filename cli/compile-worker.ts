/**
 * Reads the plan for `serve` inside a worker thread: compiles policy files (`serve
 * --policy`, `npm start`) or reads and validates a plan file (`serve --plan`). Neither
 * the compiler (zod, yaml, the regex checker, maybe TypeScript) nor the generated plan
 * validator (~2 MB of source that V8 keeps once imported) then lives in the serving
 * heap: measured, keeping the compiler there cost ~30 MB of RSS and doubled the p99
 * under load through longer garbage collections. The worker hands back plan JSON it
 * has validated, which the serving thread parses as trusted (schemas/plan/trusted-plan.ts).
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";

/** What the worker posts back. */
export interface CompileReply {
  planJson: string | null;
  /** Rendered diagnostics (human format), empty when there are none. */
  report: string;
  /** A usage problem (e.g. a missing path) or a plan that cannot be served, or null. */
  error: string | null;
}

/** What the worker is asked: policy paths to compile, or a plan file to read. */
export type CompileRequest = { paths: string[]; color: boolean } | { planFile: string };

if (!isMainThread && parentPort !== null) {
  const request = workerData as CompileRequest;
  const { parsePlan, loadPlanFile } = await import("../schemas/plan/read-plan.js");
  let reply: CompileReply;
  try {
    if ("planFile" in request) {
      reply = { planJson: JSON.stringify(await loadPlanFile(request.planFile)), report: "", error: null };
    } else {
      const { compilePaths, renderDiagnostics } = await import("../compiler/index.js");
      const result = await compilePaths(request.paths);
      // Checked here like any plan file, so the serving thread need not load the validator.
      const planJson = result.planJson === null ? null : JSON.stringify(parsePlan(result.planJson, "compiled policy"));
      reply = {
        planJson,
        report: result.diagnostics.length > 0 ? renderDiagnostics(result.diagnostics, { format: "human", color: request.color }) : "",
        error: null,
      };
    }
  } catch (err) {
    reply = { planJson: null, report: "", error: err instanceof Error ? err.message : String(err) };
  }
  parentPort.postMessage(reply);
}
