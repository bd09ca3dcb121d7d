/**
 * Where findings about the gateway as a whole point: the start of the first document
 * (a point, not the document's whole range), else line 1 of the first file.
 */
import type { CompileContext, Site } from "../context.js";
import type { NormalizedPolicy } from "../ir.js";
import { spanOfDocumentStart } from "../load/source-map.js";

/** The site of gateway-wide findings, or undefined when there is no file at all. */
export function gatewaySite(policy: Pick<NormalizedPolicy, "anchor">, ctx: CompileContext): Site | undefined {
  if (policy.anchor !== null) return spanOfDocumentStart(policy.anchor.doc);
  const file = ctx.options.files[0];
  return file === undefined ? undefined : { file, line: 1, col: 1 };
}
