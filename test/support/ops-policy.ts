/** Plans for the operations suites: the e2e policy plus listener operations settings, written to files atomically. */
import { renameSync, writeFileSync } from "node:fs";
import type { Plan } from "../../schemas/plan/plan.js";
import { canonicalJson } from "../../schemas/plan/canonical.js";
import { compileYaml } from "./compile.js";
import { e2ePolicy } from "./e2e-policy.js";

export const ADMIN_TOKEN_ENV = "TOLLGATE_E2E_ADMIN_TOKEN";
export const ADMIN_TOKEN = "admin-secret-e2e-token";

/**
 * The e2e policy with extra `listener:` lines (indented two spaces), optionally a
 * different target for `chat`, and `trickle` shortened to 40 tokens at 20/s (~2 s).
 */
export function opsPolicy(mockPort: number, listenerYaml: string, chatTarget = "echo"): string {
  return e2ePolicy(mockPort)
    .replace("  maxJsonDepth: 32\n", `  maxJsonDepth: 32\n${listenerYaml}`)
    .replace("echo+tps=20+tokens=200", "echo+tps=20+tokens=40")
    .replace("targets: [{ provider: mock, model: echo }]\n  - name: flaky", `targets: [{ provider: mock, model: "${chatTarget}" }]\n  - name: flaky`);
}

export function opsPlan(mockPort: number, listenerYaml: string, chatTarget = "echo"): Plan {
  return compileYaml(opsPolicy(mockPort, listenerYaml, chatTarget));
}

/** Writes a file the way GitOps syncs and `tollgate compile` do: a temporary file renamed over the target. */
export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function planText(plan: Plan): string {
  return canonicalJson(plan);
}
