/**
 * Pass: check-secrets. A policy that declares `secrets` lists every environment
 * variable the deployment must provide; then each `env:NAME` reference anywhere in the
 * policy must be declared (an error otherwise, with the nearest declared name).
 * Declared secrets nothing refers to are dead config (see check-dead-config).
 * `file:` references name their path explicitly and need no declaration.
 */
import type { CompileContext } from "../context.js";
import { describePath } from "../diagnostics/describe-path.js";
import { nearestName } from "../diagnostics/suggest.js";
import type { NormalizedPolicy } from "../ir.js";
import { declaresSecrets, secretReferences } from "../analysis/secret-refs.js";

/** Reports undeclared secret references; returns its input unchanged. */
export function checkSecrets(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  if (!declaresSecrets(policy)) return policy;
  const declared = policy.secrets.map((s) => s.value.name);
  const known = new Set(declared);
  for (const use of secretReferences(policy.documents)) {
    if (use.envName === null || known.has(use.envName)) continue;
    const nearest = nearestName(use.envName, declared);
    ctx.report("undeclared-secret", { what: describePath(use.at.doc.value, use.at.path), name: use.envName }, use.at, {
      suggestion: nearest === undefined ? undefined : `did you mean \`env:${nearest}\`? If not, add \`- name: ${use.envName}\` to \`secrets\``,
    });
  }
  return policy;
}
