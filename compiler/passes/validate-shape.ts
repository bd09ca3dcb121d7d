/**
 * Pass: validate-shape. Each document is checked against the policy schema
 * (`schemas/policy/gateway.ts`), and every zod issue becomes a diagnostic at the YAML
 * node it concerns. A document with an unsupported `apiVersion` reports only that:
 * its other "errors" would be written against a language we do not speak.
 */
import { GatewayPolicy } from "../../schemas/policy/gateway.js";
import type { CompileContext } from "../context.js";
import { displayValue } from "../diagnostics/describe-path.js";
import type { ShapedDocument, SourceDocument } from "../ir.js";
import { reportBareDurations } from "./shape/bare-durations.js";
import { explainIssues } from "./shape/explain-issue.js";

/** The one policy language version this compiler reads. */
export const SUPPORTED_API_VERSION = GatewayPolicy.shape.apiVersion.value;

/** Checks each document against the policy schema; returns the documents that passed. */
export function validateShape(docs: readonly SourceDocument[], ctx: CompileContext): ShapedDocument[] {
  const out: ShapedDocument[] = [];
  for (const doc of docs) {
    const root = doc.value;
    const apiVersion = isRecord(root) ? root.apiVersion : undefined;
    if (typeof apiVersion === "string" && apiVersion !== SUPPORTED_API_VERSION) {
      // Another tool's document (a Kubernetes manifest, say) in a policy directory: the fix is to leave it out.
      const kind = isRecord(root) && typeof root.kind === "string" ? root.kind : null;
      const foreign = kind !== null && !apiVersion.startsWith("tollgate/");
      const suggestion = foreign
        ? `this is a \`${displayValue(kind)}\` document of another tool, not a Tollgate policy: read only the policy files of the directory with \`--include\` (e.g. \`--include 'policy/**/*.yaml'\`), or move it out`
        : undefined;
      ctx.report(
        "unsupported-api-version",
        { found: displayValue(apiVersion), supported: SUPPORTED_API_VERSION },
        { doc, path: ["apiVersion"] },
        suggestion === undefined ? {} : { suggestion },
      );
      continue;
    }
    const result = GatewayPolicy.safeParse(root);
    if (result.success) {
      reportBareDurations(root, root, { doc, path: [] }, ctx);
      out.push({ source: doc, policy: result.data });
      continue;
    }
    explainIssues(result.error.issues, root, { doc, path: [] }, ctx);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
