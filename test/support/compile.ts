/** Compiles an inline YAML policy for a test; throws with the rendered diagnostics on errors. */
import { createHash } from "node:crypto";
import type { Plan } from "../../schemas/plan/plan.js";
import { compileSources, renderDiagnostics } from "../../compiler/index.js";

export function compileYaml(text: string, path = "policy.yaml"): Plan {
  const result = compileSources([{ path, text }]);
  if (result.plan === null) throw new Error(renderDiagnostics(result.diagnostics, { format: "human" }));
  return result.plan;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
