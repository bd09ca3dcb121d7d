/**
 * Resolves secret references (`env:NAME`, `file:/path`) when a plan is linked. Values
 * live only in the linked plan's memory; errors name the reference, never a value.
 * Every value resolved is also held for the scrubber (held-secrets.ts), so no secret the
 * process knows can reach a client in relayed text.
 */
import { readFileSync } from "node:fs";
import { holdSecret } from "./held-secrets.js";

export type SecretResult = { ok: true; value: string } | { ok: false; problem: string };

export function resolveSecret(ref: string, env: NodeJS.ProcessEnv = process.env): SecretResult {
  const result = readSecret(ref, env);
  if (result.ok) holdSecret(result.value);
  return result;
}

function readSecret(ref: string, env: NodeJS.ProcessEnv): SecretResult {
  if (ref.startsWith("env:")) {
    const name = ref.slice(4);
    const value = env[name];
    return value ? { ok: true, value } : { ok: false, problem: `environment variable ${name} is not set` };
  }
  if (ref.startsWith("file:")) {
    const path = ref.slice(5);
    try {
      const value = readFileSync(path, "utf8").trim();
      return value ? { ok: true, value } : { ok: false, problem: `secret file ${path} is empty` };
    } catch (err) {
      return { ok: false, problem: `secret file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})` };
    }
  }
  return { ok: false, problem: `unsupported secret reference scheme in ${ref.split(":")[0]}:` };
}
