/**
 * Loading TypeScript policy modules, all of a compilation's together:
 *
 * 1. parse and type-check them as one strict Program (imports between them work);
 *    literal secrets and forbidden imports are found on the syntax tree first;
 * 2. when all of that is clean, evaluate them hermetically (see typescript/evaluate.ts);
 * 3. each module that exports a policy (`export default`, else `export const gateway`)
 *    becomes a document whose paths map back to its TypeScript nodes.
 *
 * A module without such an export is a helper that other policy modules import.
 */
import type ts from "typescript";
import type { CompileContext } from "../context.js";
import type { ScriptDocument, Source } from "../ir.js";
import { MAX_FILE_BYTES } from "./load-yaml.js";
import { formatPath } from "./source-map.js";
import { EVALUATION_TIMEOUT_MS, type Evaluation, TOLLGATE_HELPERS, evaluatePolicyModules } from "./typescript/evaluate.js";
import { checkImports } from "./typescript/imports.js";
import { locatePolicy } from "./typescript/locate.js";
import { PolicyModules } from "./typescript/policy-modules.js";
import { createPolicyProgram } from "./typescript/program.js";
import { scanSecretsInModule } from "./typescript/scan-secrets-ts.js";
import { reportTypeErrors } from "./typescript/type-check.js";
import { type DeclaredNames, namesDeclaration } from "./typescript/declared-names.js";

/** True for the files the TypeScript loader reads (`.ts`, not declarations). */
export function isTypeScriptSource(path: string): boolean {
  return /\.ts$/i.test(path) && !/\.d\.ts$/i.test(path);
}

/**
 * Type-checks and evaluates the TypeScript sources; returns the document of each module
 * that exports a policy. `declared` holds the names other documents (YAML) declare.
 */
export function loadTypeScriptSources(sources: readonly Source[], ctx: CompileContext, declared: DeclaredNames | null = null): Map<Source, ScriptDocument> {
  const out = new Map<Source, ScriptDocument>();
  const fitting = sources.filter((source) => {
    if (Buffer.byteLength(source.text, "utf8") <= MAX_FILE_BYTES) return true;
    ctx.report("file-too-large", { limit: MAX_FILE_BYTES }, { file: source.path, line: 1, col: 1 });
    return false;
  });
  if (fitting.length === 0) return out;

  const errorsBefore = ctx.errorCount;
  const modules = new PolicyModules(fitting);
  const program = createPolicyProgram(modules, declared === null ? null : namesDeclaration(declared));
  const files = new Map<Source, ts.SourceFile>();
  for (const source of fitting) {
    const file = program.getSourceFile(modules.absolute(source));
    if (file !== undefined) files.set(source, file);
  }
  const secrets = [...files].flatMap(([source, file]) => scanSecretsInModule(source.path, file, ctx));
  const { reported } = checkImports(modules, files, ctx);
  reportTypeErrors(program, modules, { imports: reported, secrets }, ctx);
  // Code that does not type-check, or holds a secret, is not run: its findings would only repeat these.
  if (ctx.errorCount > errorsBefore) return out;

  for (const [source, evaluation] of evaluatePolicyModules(modules, files)) {
    const located = locatePolicy(program, modules, source, TOLLGATE_HELPERS);
    const doc = documentOf(source, evaluation, located, ctx);
    if (doc !== undefined) out.set(source, doc);
  }
  return out;
}

/** The document a module's evaluation yields, or undefined after reporting why there is none. */
function documentOf(source: Source, evaluation: Evaluation, located: Pick<ScriptDocument, "locate" | "start">, ctx: CompileContext): ScriptDocument | undefined {
  switch (evaluation.kind) {
    case "policy":
      return { kind: "typescript", file: source.path, index: 0, value: evaluation.value, ...located };
    case "none":
    case "not-run":
      return undefined;
    case "threw": {
      const at = evaluation.at;
      ctx.report("ts-threw", { detail: evaluation.message }, at === undefined ? located.start : { file: at.source.path, line: at.line, col: at.col });
      return undefined;
    }
    case "data": {
      const what = evaluation.path.length === 0 ? "the exported policy" : "`" + formatPath(evaluation.path) + "`";
      ctx.report("ts-not-data", { what, found: evaluation.found }, located.locate(evaluation.path, "value"));
      return undefined;
    }
    case "timeout": {
      const where = evaluation.module === source ? located.start : { file: evaluation.module.path, line: 1, col: 1 };
      ctx.report("ts-timeout", { ms: EVALUATION_TIMEOUT_MS }, where);
      return undefined;
    }
    case "too-large":
      ctx.report("ts-too-large", { limit: MAX_FILE_BYTES }, located.start);
      return undefined;
  }
}
