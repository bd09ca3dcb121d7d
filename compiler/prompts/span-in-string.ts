/**
 * The file:line:col of a character inside a policy string (a template placeholder),
 * so a diagnostic points at `{{nmae}}` itself rather than at the whole message.
 * Exact for single-line plain and quoted scalars (YAML) and string literals
 * (TypeScript) up to the first escape or line break before the character; otherwise
 * the string's own span, which is still the right line for most authors.
 */
import { isScalar, Scalar } from "yaml";
import type { SourceSpan } from "../diagnostics/diagnostic.js";
import type { Origin } from "../ir.js";
import { findNode, spanAt } from "../load/source-map.js";

/** The span of `length` characters at `offset` in the string value at `at`. */
export function spanInString(at: Origin, value: string, offset: number, length: number): SourceSpan {
  const whole = spanAt(at);
  const before = value.slice(0, offset);
  if (before.includes("\n") || before.includes("\\") || before.includes('"') || before.includes("'")) return whole;
  let quote = 0;
  if (at.doc.kind === "yaml") {
    const { node } = findNode(at.doc, at.path);
    if (!isScalar(node)) return whole;
    if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) quote = 1;
    else if (node.type !== Scalar.PLAIN) return whole;
  } else {
    quote = 1;
  }
  if (whole.endLine !== undefined && whole.endLine !== whole.line) return whole;
  const col = whole.col + quote + offset;
  return { file: whole.file, line: whole.line, col, endLine: whole.line, endCol: col + length };
}
