/**
 * The load pass: policy files → documents. YAML files are parsed one by one; the
 * TypeScript files of a compilation are checked and evaluated together (they may
 * import each other), after the YAML ones, so that the names the YAML declares are
 * known to the type checker (a TypeScript route to a model defined in YAML is not a
 * type error). Documents keep the order of their files, so YAML and TypeScript
 * policies merge the same way whatever mix a directory holds.
 */
import type { CompileContext } from "../context.js";
import type { Source, SourceDocument } from "../ir.js";
import { isTypeScriptSource, loadTypeScriptSources } from "./load-typescript.js";
import { loadYamlFile } from "./load-yaml.js";
import { declaredNames } from "./typescript/declared-names.js";

/** Loads every source; returns the documents that loaded cleanly, in file order. */
export function loadSources(sources: readonly Source[], ctx: CompileContext): SourceDocument[] {
  const yamlDocs = new Map(sources.filter((s) => !isTypeScriptSource(s.path)).map((s) => [s, loadYamlFile(s, ctx)]));
  const scripts = sources.filter((s) => isTypeScriptSource(s.path));
  const names = declaredNames([...yamlDocs.values()].flat().map((d) => d.value));
  const scriptDocs = scripts.length > 0 ? loadTypeScriptSources(scripts, ctx, names) : new Map<Source, SourceDocument>();
  return sources.flatMap((source): SourceDocument[] => {
    if (!isTypeScriptSource(source.path)) return yamlDocs.get(source) ?? [];
    const doc = scriptDocs.get(source);
    return doc === undefined ? [] : [doc];
  });
}
