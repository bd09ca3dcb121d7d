/**
 * Literal secrets in a TypeScript policy, found on the syntax tree before the module
 * is type-checked or run, so that no code frame (a type error two lines away
 * included) can print one: every finding uses a `redact` code, whose span renderers
 * mask in all frames of the file. The same rules as for YAML (load/scan-secrets.ts):
 * literals where the schema has a secret field (matched on the property path within
 * the enclosing object literals, which may be a helper's part of the policy) or under
 * a credential-sounding property the language does not have, that are not
 * `env:`/`file:` references; plain strings in a `keys` list, `sha256` values that are
 * not digests, and URLs with credentials anywhere.
 */
import type ts from "typescript";
import { ConsumerKey } from "../../../schemas/policy/consumer.js";
import type { CompileContext } from "../../context.js";
import type { PolicyPath } from "../../ir.js";
import { SECRET_FIELD, URL_WITH_CREDENTIALS, isLiteralSecret } from "../scan-secrets.js";
import { isKnownField, secretMarking } from "../../analysis/secret-fields.js";
import { formatPath } from "../source-map.js";
import { spanOfTsNode } from "./ts-span.js";
import { typescript } from "./typescript-api.js";

/**
 * Reports every literal secret written in `file` (the policy module at `path`) and
 * returns their nodes, so that TypeScript's messages (which quote literal types) can
 * be scrubbed of them.
 */
export function scanSecretsInModule(path: string, file: ts.SourceFile, ctx: CompileContext): ts.Expression[] {
  const ts = typescript();
  const found: ts.Expression[] = [];
  const flag = (name: "literal-secret" | "literal-consumer-key" | "bad-key-hash" | "url-credentials", node: ts.Expression): void => {
    ctx.report(name, { what: describe(node) }, spanOfTsNode(path, node));
    found.push(node);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) && URL_WITH_CREDENTIALS.test(node.text.trim())) flag("url-credentials", node);
    if (ts.isPropertyAssignment(node)) {
      const field = propertyName(node.name);
      if (field !== undefined) checkField(field, node.initializer, flag);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

type Flag = (name: "literal-secret" | "literal-consumer-key" | "bad-key-hash", node: ts.Expression) => void;

function checkField(field: string, value: ts.Expression, flag: Flag): void {
  const ts = typescript();
  const fieldPath = pathOf(value);
  const guessed = SECRET_FIELD.test(field) && (fieldPath === null || !isKnownField(fieldPath, "suffix"));
  for (const item of itemsOf(value)) {
    const path = pathOf(item);
    const marked = path !== null && secretMarking(path, "suffix") === "secret";
    if (!marked && !guessed) continue;
    const text = ts.isStringLiteralLike(item) ? item.text : ts.isNumericLiteral(item) ? Number(item.text) : undefined;
    if (text !== undefined && (typeof text !== "string" || !URL_WITH_CREDENTIALS.test(text.trim())) && isLiteralSecret(text, marked)) flag("literal-secret", item);
  }
  if (field === "keys" && ts.isArrayLiteralExpression(value)) {
    for (const item of value.elements) if (ts.isStringLiteralLike(item) || ts.isNumericLiteral(item)) flag("literal-consumer-key", item);
  } else if (field === "sha256" && ts.isStringLiteralLike(value) && !ConsumerKey.shape.sha256.safeParse(value.text).success) {
    flag("bad-key-hash", value);
  }
}

/** The expression itself, or the items of an array literal. */
function itemsOf(value: ts.Expression): readonly ts.Expression[] {
  return typescript().isArrayLiteralExpression(value) ? value.elements : [value];
}

/** The text of a plain property name (identifier, string or number), else undefined. */
export function propertyName(name: ts.PropertyName): string | undefined {
  const ts = typescript();
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

/** "`providers[0].apiKeys[1]`": the literal's place in the enclosing object and array literals. */
function describe(node: ts.Node): string {
  const path = pathOf(node) ?? [];
  return path.length === 0 ? "this string" : "`" + formatPath(path satisfies PolicyPath) + "`";
}

/** The literal's path within the enclosing object and array literals (its end is all that is known). */
function pathOf(node: ts.Node): PolicyPath | null {
  const ts = typescript();
  const path: (string | number)[] = [];
  let current: ts.Node = node;
  while (current.parent !== undefined) {
    const parent: ts.Node = current.parent;
    if (ts.isArrayLiteralExpression(parent)) path.unshift(parent.elements.indexOf(current as ts.Expression));
    else if (ts.isPropertyAssignment(parent)) {
      const name = propertyName(parent.name);
      if (name === undefined) break;
      path.unshift(name);
    } else if (!ts.isObjectLiteralExpression(parent)) break;
    current = parent;
  }
  return path.length === 0 ? null : path;
}
