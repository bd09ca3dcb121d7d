/**
 * The policy modules a TypeScript policy imports relatively, found on disk, so that
 * `tollgate check gateway.ts` works when gateway.ts imports `./providers.js`. Only
 * `.ts` files (not `.d.ts` or `.test.ts`) are followed; whether an import is allowed
 * at all is for the compiler to say (load/typescript/imports.ts).
 */
import { stat } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { isTypeScriptSource } from "./load-typescript.js";
import { typescript } from "./typescript/typescript-api.js";

/** Most files the closure adds, so an import cycle through generated names cannot run away. */
const MAX_IMPORTED = 1000;

/** The imported modules not already in `known` (path → text), read with `read`. */
export async function importedPolicyModules(known: ReadonlyMap<string, string>, read: (path: string) => Promise<string>): Promise<Map<string, string>> {
  const ts = typescript();
  const added = new Map<string, string>();
  const queue = [...known].filter(([path]) => isTypeScriptSource(path));
  while (queue.length > 0 && added.size < MAX_IMPORTED) {
    const [from, text] = queue.pop() ?? ["", ""];
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith("./") && !fileName.startsWith("../")) continue;
      const path = await existingModule(join(dirname(from), fileName));
      if (path === undefined || known.has(path) || added.has(path)) continue;
      const imported = await read(path);
      added.set(path, imported);
      queue.push([path, imported]);
    }
  }
  return added;
}

/** The `.ts` file a specifier names on disk (same candidates as the compiler's resolution). */
async function existingModule(base: string): Promise<string | undefined> {
  for (const candidate of [base.replace(/\.js$/, ".ts"), base, `${base}.ts`, join(base, "index.ts")]) {
    if (!isTypeScriptSource(candidate) || /\.test\.ts$/i.test(candidate)) continue;
    const info = await stat(candidate).catch(() => null);
    if (info?.isFile() === true) return normalize(candidate);
  }
  return undefined;
}
