/**
 * Policy path → the TypeScript node that wrote it, so that shape and reference
 * diagnostics of a TypeScript policy point at file:line:col like YAML ones do.
 *
 * From the module's policy export (`export default …` or `export const gateway`) the
 * path is followed through object and array literals, looking through what does not
 * change the value: parentheses, `as`, `satisfies`, `!`, `defineGateway(…)`, `const`
 * variables (in this module or imported from another policy module), shorthand
 * properties and spreads of literals. Where the path leaves literal code (a `.map()`
 * call, a function result), the deepest node reached is used; with no export found,
 * the module's first line.
 */
import type ts from "typescript";
import type { SourceSpan } from "../../diagnostics/diagnostic.js";
import type { PolicyPath, ScriptDocument, Source } from "../../ir.js";
import type { PolicyModules } from "./policy-modules.js";
import { propertyName } from "./scan-secrets-ts.js";
import { spanOfTsNode } from "./ts-span.js";
import { typescript } from "./typescript-api.js";

/** How many aliases (variables, spreads) one lookup follows before giving up. */
const MAX_HOPS = 64;

/** The locator and start span of the policy that `source` exports. */
export function locatePolicy(program: ts.Program, modules: PolicyModules, source: Source, helpers: ReadonlySet<string>): Pick<ScriptDocument, "locate" | "start"> {
  const ts = typescript();
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(modules.absolute(source));
  const lineOne: SourceSpan = { file: source.path, line: 1, col: 1 };
  const root = file === undefined ? undefined : policyExpression(file, checker);
  if (root === undefined) return { locate: () => lineOne, start: lineOne };

  const spanOf = (node: ts.Node): SourceSpan => {
    const owner = modules.byAbsolute(node.getSourceFile().fileName);
    return owner === undefined ? lineOne : spanOfTsNode(owner.path, node);
  };
  const resolve = (expression: ts.Node): ts.Node => see(expression, checker, helpers);
  const call = defineCall(root, checker, helpers);
  const start = spanOf(call?.expression ?? root);

  const locate = (path: PolicyPath, part: "key" | "value"): SourceSpan => {
    let node: ts.Node = root;
    let key: ts.Node | undefined;
    let complete = true;
    for (const segment of path) {
      const value = resolve(node);
      const next =
        typeof segment === "string" && ts.isObjectLiteralExpression(value)
          ? findProperty(value, segment, resolve)
          : typeof segment === "number" && ts.isArrayLiteralExpression(value)
            ? { key: undefined, value: elementAt(value, segment, resolve) }
            : undefined;
      if (next?.value === undefined) {
        node = value;
        complete = false;
        break;
      }
      node = next.value;
      key = next.key;
    }
    // A missing field points at the key that owns its parent, as for YAML.
    const target = part === "key" || !complete ? (key ?? node) : node;
    return spanOf(target);
  };
  return { locate, start };
}

/** The expression of the `default` export, else of `export const gateway`. */
function policyExpression(file: ts.SourceFile, checker: ts.TypeChecker): ts.Node | undefined {
  const ts = typescript();
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (moduleSymbol === undefined) return undefined;
  const exports = checker.getExportsOfModule(moduleSymbol);
  const symbol = exports.find((s) => s.escapedName === "default") ?? exports.find((s) => s.escapedName === "gateway");
  const declaration = symbol === undefined ? undefined : declarationOf(symbol, checker);
  if (declaration === undefined) return undefined;
  if (ts.isExportAssignment(declaration)) return declaration.expression;
  if (ts.isVariableDeclaration(declaration)) return declaration.initializer ?? declaration;
  return declaration;
}

/** The declaration behind a symbol, following import/export aliases. */
function declarationOf(symbol: ts.Symbol, checker: ts.TypeChecker): ts.Declaration | undefined {
  const ts = typescript();
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return target.valueDeclaration ?? target.declarations?.[0];
}

/** Looks through syntax that does not change a value, to the literal (or call) that makes it. */
function see(start: ts.Node, checker: ts.TypeChecker, helpers: ReadonlySet<string>): ts.Node {
  const ts = typescript();
  let node = start;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    let next: ts.Node | undefined;
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node) || ts.isTypeAssertionExpression(node)) {
      next = node.expression;
    } else if (ts.isCallExpression(node) && isHelperCall(node, helpers)) {
      next = node.arguments[0];
    } else if (ts.isIdentifier(node) || ts.isShorthandPropertyAssignment(node)) {
      const symbol = ts.isShorthandPropertyAssignment(node) ? checker.getShorthandAssignmentValueSymbol(node) : checker.getSymbolAtLocation(node);
      const declaration = symbol === undefined ? undefined : declarationOf(symbol, checker);
      // Only `const`: a `let` may have been reassigned before the export was read.
      if (declaration !== undefined && ts.isVariableDeclaration(declaration) && isConst(declaration)) next = declaration.initializer;
    }
    if (next === undefined) return node;
    node = next;
  }
  return node;
}

function isConst(declaration: ts.VariableDeclaration): boolean {
  const ts = typescript();
  return ts.isVariableDeclarationList(declaration.parent) && (declaration.parent.flags & ts.NodeFlags.Const) !== 0;
}

/** `defineGateway(…)` and the other helpers, called by name or as `tollgate.defineGateway(…)`. */
function isHelperCall(call: ts.CallExpression, helpers: ReadonlySet<string>): boolean {
  const ts = typescript();
  const callee = call.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  return name !== undefined && helpers.has(name) && call.arguments.length > 0;
}

/** The helper call the policy is written in, if any (where gateway-wide findings point). */
function defineCall(root: ts.Node, checker: ts.TypeChecker, helpers: ReadonlySet<string>): ts.CallExpression | undefined {
  const ts = typescript();
  let node: ts.Node = root;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const seen = see(node, checker, new Set());
    if (ts.isCallExpression(seen) && isHelperCall(seen, helpers)) return seen;
    if (seen === node) return undefined;
    node = seen;
  }
  return undefined;
}

/** The last property named `name` (later ones win, as at run time), looking into spread literals. */
function findProperty(object: ts.ObjectLiteralExpression, name: string, resolve: (n: ts.Node) => ts.Node): { key: ts.Node; value: ts.Node } | undefined {
  const ts = typescript();
  for (let i = object.properties.length - 1; i >= 0; i--) {
    const property = object.properties[i];
    if (property === undefined) continue;
    if (ts.isSpreadAssignment(property)) {
      const spread = resolve(property.expression);
      const found = ts.isObjectLiteralExpression(spread) ? findProperty(spread, name, resolve) : undefined;
      if (found !== undefined) return found;
      continue;
    }
    if (property.name === undefined || propertyName(property.name) !== name) continue;
    if (ts.isPropertyAssignment(property)) return { key: property.name, value: property.initializer };
    return { key: property.name, value: property };
  }
  return undefined;
}

/** The element at `index`, counting the elements of spread array literals; undefined past an unknown spread. */
function elementAt(array: ts.ArrayLiteralExpression, index: number, resolve: (n: ts.Node) => ts.Node): ts.Node | undefined {
  const ts = typescript();
  let position = 0;
  for (const element of array.elements) {
    if (ts.isSpreadElement(element)) {
      const spread = resolve(element.expression);
      if (!ts.isArrayLiteralExpression(spread)) return undefined;
      const inner = elementAt(spread, index - position, resolve);
      if (inner !== undefined) return inner;
      position += spreadLength(spread, resolve) ?? Infinity;
      if (!Number.isFinite(position)) return undefined;
      continue;
    }
    if (position === index) return element;
    position++;
  }
  return undefined;
}

/** How many elements an array literal has once its spreads are expanded, if known. */
function spreadLength(array: ts.ArrayLiteralExpression, resolve: (n: ts.Node) => ts.Node): number | undefined {
  const ts = typescript();
  let length = 0;
  for (const element of array.elements) {
    if (!ts.isSpreadElement(element)) {
      length++;
      continue;
    }
    const spread = resolve(element.expression);
    const inner = ts.isArrayLiteralExpression(spread) ? spreadLength(spread, resolve) : undefined;
    if (inner === undefined) return undefined;
    length += inner;
  }
  return length;
}
