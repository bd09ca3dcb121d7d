/**
 * Turns one zod issue into diagnostics in the policy's own words, at the YAML node it
 * is about. Unknown fields point at the key and suggest the nearest allowed field;
 * durations, sizes, secrets and key digests get their dedicated codes; union
 * failures are narrowed to the branch the author evidently meant.
 */
import type { z } from "zod";
import { GatewayPolicy } from "../../../schemas/policy/gateway.js";
import { type CompileContext, child } from "../../context.js";
import { describePath, describeType, displayValue } from "../../diagnostics/describe-path.js";
import { nearestName, quoteList } from "../../diagnostics/suggest.js";
import type { Origin, PolicyPath } from "../../ir.js";
import { formatPath } from "../../load/source-map.js";
import { parseDuration } from "../values/duration.js";
import { parseSize } from "../values/size.js";
import { describeSchema, fieldsOf, schemaAt, valueKind } from "./schema-at.js";

type Issue = z.core.$ZodIssue;

/**
 * Reports every issue of one document. A required field that is missing because it
 * was misspelled (`baseURL` for `baseUrl`) is reported once, as the unknown field
 * with its suggestion, not a second time as missing; nor is a refinement of that
 * object (`give exact, regex or present`) that fails only because of the misspelling.
 */
export function explainIssues(issues: readonly Issue[], root: unknown, base: Origin, ctx: CompileContext): void {
  const misspelled = new Set<string>();
  const withUnknownKeys = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const path = issuePath(base, issue);
    withUnknownKeys.add(formatPath(path));
    const allowed = fieldsOf(schemaAt(GatewayPolicy, path));
    for (const key of issue.keys) {
      const nearest = nearestName(key, allowed);
      if (nearest !== undefined) misspelled.add(formatPath([...path, nearest]));
    }
  }
  for (const issue of issues) {
    if (issue.code === "custom" && withUnknownKeys.has(formatPath(issuePath(base, issue)))) continue;
    explainIssue(issue, root, base, ctx, misspelled);
  }
}

/** The issue's path inside the document (zod paths are relative to the parsed value). */
function issuePath(base: Origin, issue: Issue): PolicyPath {
  return [...base.path, ...issue.path.filter((p): p is string | number => typeof p !== "symbol")];
}

/** Reports `issue`, whose path is relative to `base` inside the document `root`. */
function explainIssue(issue: Issue, root: unknown, base: Origin, ctx: CompileContext, misspelled: ReadonlySet<string>): void {
  const path = issuePath(base, issue);
  const at: Origin = { doc: base.doc, path };
  const value = valueAt(root, path);
  const schema = schemaAt(GatewayPolicy, path);
  const what = describePath(root, path);

  if (value === undefined && issue.code !== "unrecognized_keys" && isMissingField(root, path)) {
    if (misspelled.has(formatPath(path))) return;
    const field = String(path[path.length - 1]);
    const where = describePath(root, path.slice(0, -1));
    const suggestion = field === "apiVersion" ? `add \`apiVersion: ${GatewayPolicy.shape.apiVersion.value}\` at the top of the document` : undefined;
    ctx.report("missing-field", { field, where }, at, { suggestion });
    return;
  }

  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = fieldsOf(schema);
      for (const field of issue.keys) {
        const nearest = nearestName(field, allowed);
        const suggestion = nearest !== undefined ? `did you mean \`${nearest}\`?` : `allowed fields: ${quoteList(allowed)}`;
        ctx.report("unknown-field", { field, where: what }, child(at, field), { part: "key", suggestion });
      }
      return;
    }
    case "invalid_union":
      explainUnion(issue, root, at, ctx, misspelled);
      return;
    case "invalid_key": {
      // A map key (e.g. a header name) that its key schema refuses: say why, not "Invalid key in record".
      const reason = issue.issues.map((inner) => inner.message).join("; ") || issue.message;
      ctx.report("invalid-value", { what: `key \`${displayValue(path[path.length - 1])}\` of ${describePath(root, path.slice(0, -1))}`, reason }, at, { part: "key" });
      return;
    }
    case "invalid_type":
      ctx.report("wrong-type", { what, expected: describeSchema(schema), actual: describeType(value) }, at);
      return;
    default:
      break;
  }

  if (explainValueKind(at, root, ctx)) return;

  switch (issue.code) {
    case "invalid_value": {
      if (typeof value === "object" && value !== null) {
        ctx.report("wrong-type", { what, expected: describeSchema(schema), actual: describeType(value) }, at);
        return;
      }
      const allowed = issue.values.map(String);
      const nearest = typeof value === "string" ? nearestName(value, allowed) : undefined;
      ctx.report("not-one-of", { what, found: displayValue(value), allowed: quoteList(allowed, "or") }, at, {
        suggestion: nearest === undefined ? undefined : `did you mean \`${nearest}\`?`,
      });
      return;
    }
    case "too_small":
    case "too_big":
      ctx.report("out-of-range", { what, reason: rangeReason(issue) }, at);
      return;
    default:
      ctx.report("invalid-value", { what, reason: issue.message }, at);
  }
}

/**
 * A union failed. Branches that failed only because the value has another type (or
 * another literal) say nothing about what the author meant; if exactly one branch got
 * further, explain its issues, else say which types would do.
 */
function explainUnion(issue: Extract<Issue, { code: "invalid_union" }>, root: unknown, at: Origin, ctx: CompileContext, misspelled: ReadonlySet<string>): void {
  const mismatchOnly = (branch: readonly Issue[]): boolean => branch.every((i) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value"));
  const meaningful = issue.errors.filter((branch) => !mismatchOnly(branch));
  const [only] = meaningful;
  if (meaningful.length === 1 && only !== undefined) {
    for (const inner of only) explainIssue(inner, root, at, ctx, misspelled);
    return;
  }
  if (explainValueKind(at, root, ctx)) return;
  const value = valueAt(root, at.path);
  const schema = schemaAt(GatewayPolicy, at.path);
  ctx.report("wrong-type", { what: describePath(root, at.path), expected: describeSchema(schema), actual: describeType(value) }, at);
}

/**
 * Durations, sizes, secret references and key digests have dedicated diagnostics,
 * recognized by their schema. Returns true when one was reported.
 */
function explainValueKind(at: Origin, root: unknown, ctx: CompileContext): boolean {
  const value = valueAt(root, at.path);
  const what = describePath(root, at.path);
  const scalar = typeof value === "string" || typeof value === "number";
  switch (valueKind(schemaAt(GatewayPolicy, at.path))) {
    case "duration": {
      const result = scalar ? parseDuration(value) : undefined;
      if (result === undefined || result.ok) return false;
      ctx.report("bad-duration", { what, reason: result.reason }, at, { suggestion: result.suggestion });
      return true;
    }
    case "size": {
      const result = scalar ? parseSize(value) : undefined;
      if (result === undefined || result.ok) return false;
      ctx.report("bad-size", { what, reason: result.reason }, at, { suggestion: result.suggestion });
      return true;
    }
    case "secret-ref":
      if (!scalar) return false;
      ctx.report("literal-secret", { what }, at);
      return true;
    case "key-digest":
      if (typeof value !== "string") return false;
      ctx.report("bad-key-hash", { what }, at);
      return true;
    case "other":
      return false;
  }
}

function rangeReason(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const bound = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "array":
      return small ? `must have at least ${bound} ${bound === 1 ? "entry" : "entries"}` : `must have at most ${bound} entries`;
    case "string":
      return small ? (bound <= 1 ? "must not be empty" : `must be at least ${bound} characters long`) : `must be at most ${bound} characters long`;
    default:
      if (small) return inclusive ? `must be at least ${bound}` : `must be greater than ${bound}`;
      return inclusive ? `must be at most ${bound}` : `must be less than ${bound}`;
  }
}

/** True when `path` names a field its (existing) parent mapping does not have. */
export function isMissingField(root: unknown, path: PolicyPath): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(root, path.slice(0, -1));
  const field = path[path.length - 1];
  const isMapping = typeof parent === "object" && parent !== null && !Array.isArray(parent);
  return isMapping && typeof field === "string" && !Object.prototype.hasOwnProperty.call(parent, field);
}

/** The JS value at `path`, or undefined when the path does not exist. */
export function valueAt(root: unknown, path: PolicyPath): unknown {
  let current = root;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === "number") current = current[segment];
    else if (typeof current === "object" && current !== null && !Array.isArray(current) && typeof segment === "string") {
      current = Object.prototype.hasOwnProperty.call(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
    } else return undefined;
  }
  return current;
}
