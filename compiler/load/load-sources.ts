/**
 * The load pass: policy files → documents. YAML files are parsed one by one; the
 * TypeScript files of a compilation are checked and evaluated together (they may
 * import each other). Documents keep the order of their files, so YAML and
 * TypeScript policies merge the same way whatever mix a directory holds.
 */
import type { CompileContext } from "../context.js";
import type { Source, SourceDocument } from "../ir.js";
import { isTypeScriptSource, loadTypeScriptSources } from "./load-typescript.js";
import { loadYamlFile } from "./load-yaml.js";

/** Loads every source; returns the documents that loaded cleanly, in file order. */
export function loadSources(sources: readonly Source[], ctx: CompileContext): SourceDocument[] {
  const scripts = sources.filter((s) => isTypeScriptSource(s.path));
  const scriptDocs = scripts.length > 0 ? loadTypeScriptSources(scripts, ctx) : new Map<Source, SourceDocument>();
  return sources.flatMap((source): SourceDocument[] => {
    if (!isTypeScriptSource(source.path)) return loadYamlFile(source, ctx);
    const doc = scriptDocs.get(source);
    return doc === undefined ? [] : [doc];
  });
}
