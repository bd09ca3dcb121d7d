/**
 * Canonical JSON and the plan hash, shared by the compiler (which stamps the hash)
 * and the runtime (which checks it). Imports only node:crypto, so the runtime may
 * import it without pulling in any authoring code.
 */
import { createHash } from "node:crypto";

/** Recursively sorts object keys; arrays keep their order. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** JSON with sorted keys: the same value always gives the same bytes. `indent` 0 is compact. */
export function canonicalJson(value: unknown, indent = 0): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

/** "sha256:<hex>" of the compact canonical JSON of the plan without its `hash` field. */
export function planHash(plan: Record<string, unknown>): string {
  const { hash: _ignored, ...rest } = plan;
  return "sha256:" + createHash("sha256").update(canonicalJson(rest)).digest("hex");
}
