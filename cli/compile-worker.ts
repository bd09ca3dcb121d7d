/**
 * Compiles policy files inside a worker thread for `serve --policy` and `npm start`.
 * The compiler (zod, yaml, the regex checker, maybe TypeScript) then never lives in the
 * serving heap: measured, keeping it there cost ~30 MB of RSS and doubled the p99
 * under load through longer garbage collections. The worker hands back the plan's
 * JSON text, which the runtime checks like any plan file.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";

/** What the worker posts back. */
export interface CompileReply {
  planJson: string | null;
  /** Rendered diagnostics (human format), empty when there are none. */
  report: string;
  /** A usage problem (e.g. a missing path), or null. */
  error: string | null;
}

if (!isMainThread && parentPort !== null) {
  const { paths, color } = workerData as { paths: string[]; color: boolean };
  const { compilePaths, renderDiagnostics } = await import("../compiler/index.js");
  let reply: CompileReply;
  try {
    const result = await compilePaths(paths);
    reply = {
      planJson: result.planJson,
      report: result.diagnostics.length > 0 ? renderDiagnostics(result.diagnostics, { format: "human", color }) : "",
      error: null,
    };
  } catch (err) {
    reply = { planJson: null, report: "", error: err instanceof Error ? err.message : String(err) };
  }
  parentPort.postMessage(reply);
}
