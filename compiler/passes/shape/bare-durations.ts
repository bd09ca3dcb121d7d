/**
 * A bare number where a duration goes (`firstByte: 30`) is refused: it used to mean
 * milliseconds, which is rarely what its author meant (30 ms, not 30 s), and nothing in
 * the policy said so. The schema still parses numbers, so that this pass can report every
 * one of them with its fix at file:line:col (YAML and TypeScript alike) instead of a
 * type mismatch; the JSON Schema editors read refuses them outright. Durations are found
 * by their schema (`valueKind`), never by field name: no policy field states its unit in
 * its name, and one that did (`…Ms`) would be a plain number, not a Duration.
 */
import { GatewayPolicy } from "../../../schemas/policy/gateway.js";
import type { CompileContext } from "../../context.js";
import { describePath } from "../../diagnostics/describe-path.js";
import type { Origin } from "../../ir.js";
import { schemaAt, valueKind } from "./schema-at.js";

/** Reports every duration written as a bare number under `at`, in a document that passed the shape check. */
export function reportBareDurations(value: unknown, root: unknown, at: Origin, ctx: CompileContext): void {
  if (typeof value === "number") {
    if (valueKind(schemaAt(GatewayPolicy, at.path)) === "duration") {
      ctx.report("bare-duration", { what: describePath(root, at.path), value: String(value) }, at, { suggestion: fixFor(value) });
    }
    return;
  }
  if (value === null || typeof value !== "object") return;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) reportBareDurations(child, root, { doc: at.doc, path: [...at.path, key] }, ctx);
}

/** Both readings, the likelier first: a large number was milliseconds, a small one probably seconds. */
function fixFor(n: number): string {
  if (n >= 1000 && n % 1000 === 0) return `write \`${n / 1000}s\` (${n} milliseconds, what the number meant so far)`;
  if (n >= 1000) return `write \`${n}ms\` (what the number meant so far)`;
  return `write \`${n}s\` for ${n} seconds, or \`${n}ms\` for ${n} milliseconds (what the number meant so far)`;
}
