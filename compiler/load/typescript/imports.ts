/**
 * What a policy module may import: `tollgate` and other policy modules, nothing else.
 * Checked on the syntax tree before anything runs, so `import { readFileSync } from
 * "node:fs"` is an error at the specifier, not a surprise in the sandbox (which
 * refuses it too, for imports computed at run time).
 */
import type ts from "typescript";
import type { CompileContext } from "../../context.js";
import type { Source } from "../../ir.js";
import { type PolicyModules, TOLLGATE_MODULE, isRelativeSpecifier } from "./policy-modules.js";
import { spanOfTsNode } from "./ts-span.js";
import { typescript } from "./typescript-api.js";

/** A module specifier written in a policy module. */
export interface WrittenImport {
  readonly text: string;
  readonly node: ts.Node;
}

/** Every static specifier (import/export … from, import = require, import("…")); `text` is "" when computed. */
export function writtenImports(file: ts.SourceFile): WrittenImport[] {
  const ts = typescript();
  const out: WrittenImport[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      if (ts.isStringLiteral(node.moduleSpecifier)) out.push({ text: node.moduleSpecifier.text, node: node.moduleSpecifier });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      out.push({ text: ts.isStringLiteral(expression) ? expression.text : "", node: expression });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      out.push({ text: argument !== undefined && ts.isStringLiteralLike(argument) ? argument.text : "", node: argument ?? node });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** The outcome of the import check. */
export interface ImportCheck {
  /** Specifier nodes already reported, so the type checker's "cannot find module" is not said twice. */
  readonly reported: ReadonlySet<ts.Node>;
}

/** Reports every import a policy module may not make. */
export function checkImports(modules: PolicyModules, files: ReadonlyMap<Source, ts.SourceFile>, ctx: CompileContext): ImportCheck {
  const reported = new Set<ts.Node>();
  for (const [source, file] of files) {
    for (const { text, node } of writtenImports(file)) {
      if (text === TOLLGATE_MODULE) continue;
      if (isRelativeSpecifier(text)) {
        if (modules.resolveImport(source, text) !== undefined) continue;
        ctx.report("ts-unresolved-import", { specifier: text }, spanOfTsNode(source.path, node));
      } else {
        ctx.report("ts-forbidden-import", { specifier: text === "" ? "a module named at run time" : `\`${text}\`` }, spanOfTsNode(source.path, node));
      }
      reported.add(node);
    }
  }
  return { reported };
}
