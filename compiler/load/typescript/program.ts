/**
 * The type-checking Program over the TypeScript policy modules. Its host is
 * hermetic: policy modules come from memory (the texts the compiler was given), and
 * from disk it reads only TypeScript's own `lib` files and installed packages
 * (tollgate's declarations and what they import, such as zod). `tollgate` resolves to
 * this compiler's own schemas, whatever is installed next to the policy.
 *
 * Library files never change while the process runs, so their parsed SourceFiles
 * are cached across compilations: the first check of a process takes ~0.5 s, later
 * ones ~0.1 s.
 */
import { existsSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type ts from "typescript";
import { type PolicyModules, TOLLGATE_MODULE } from "./policy-modules.js";
import { typescript } from "./typescript-api.js";

/** Strict, ES2023, no DOM and no Node types: the globals of the evaluation sandbox. */
function policyCompilerOptions(): ts.CompilerOptions {
  const ts = typescript();
  return {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2023.d.ts"],
    types: [],
    skipLibCheck: true,
    isolatedModules: true,
    allowImportingTsExtensions: true,
    noFallthroughCasesInSwitch: true,
  };
}

/** The declarations `import … from "tollgate"` type-checks against: dist/schemas/index.d.ts when built, else the sources. */
const TOLLGATE_TYPES = ((): string => {
  const schemas = fileURLToPath(new URL("../../../schemas/", import.meta.url));
  const declarations = join(schemas, "index.d.ts");
  return existsSync(declarations) ? declarations : join(schemas, "index.ts");
})();

/** Parsed library files, shared by every compilation of this process. */
const libraryCache = new Map<string, ts.SourceFile>();

/**
 * Builds (parses and binds) the Program; diagnostics are asked for separately.
 * `declarations`, when given, is one more (virtual, global) declaration file: the
 * names the YAML documents of the compilation declare.
 */
export function createPolicyProgram(modules: PolicyModules, declarations: string | null = null): ts.Program {
  const ts = typescript();
  const options = policyCompilerOptions();
  const libraryDirs = [dirname(ts.getDefaultLibFilePath(options)), dirname(TOLLGATE_TYPES)].map((d) => d + sep);
  // Besides policy modules, the checker reads only TypeScript's lib files, tollgate's declarations and installed packages.
  const isLibraryFile = (fileName: string): boolean => libraryDirs.some((dir) => fileName.startsWith(dir)) || fileName.includes(`${sep}node_modules${sep}`);
  const base = ts.createCompilerHost(options, true);
  const first = modules.sources[0];
  const virtual = declarations === null || first === undefined ? null : join(dirname(modules.absolute(first)), "__tollgate_declared_names__.d.ts");
  const policyText = (fileName: string): string | undefined => (fileName === virtual ? (declarations ?? undefined) : modules.byAbsolute(fileName)?.text);

  const host: ts.CompilerHost = {
    ...base,
    getSourceFile(fileName, languageVersion) {
      const text = policyText(fileName);
      if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true, ts.ScriptKind.TS);
      if (!isLibraryFile(fileName)) return undefined;
      let cached = libraryCache.get(fileName);
      if (cached === undefined) {
        const libraryText = base.readFile(fileName);
        if (libraryText === undefined) return undefined;
        cached = ts.createSourceFile(fileName, libraryText, languageVersion, true);
        libraryCache.set(fileName, cached);
      }
      return cached;
    },
    fileExists: (fileName) => policyText(fileName) !== undefined || (isLibraryFile(fileName) && base.fileExists(fileName)),
    readFile: (fileName) => policyText(fileName) ?? (isLibraryFile(fileName) ? base.readFile(fileName) : undefined),
    writeFile: () => undefined,
    resolveModuleNameLiterals(literals, containingFile, _redirected, compilerOptions) {
      const from = modules.byAbsolute(containingFile);
      return literals.map(({ text }) => {
        if (from === undefined) return ts.resolveModuleName(text, containingFile, compilerOptions, host);
        if (text === TOLLGATE_MODULE) {
          const extension = TOLLGATE_TYPES.endsWith(".d.ts") ? ts.Extension.Dts : ts.Extension.Ts;
          return { resolvedModule: { resolvedFileName: TOLLGATE_TYPES, extension, isExternalLibraryImport: false } };
        }
        const target = modules.resolveImport(from, text);
        if (target === undefined) return { resolvedModule: undefined };
        return { resolvedModule: { resolvedFileName: modules.absolute(target), extension: ts.Extension.Ts, isExternalLibraryImport: false } };
      });
    },
  };
  const roots = modules.sources.map((s) => modules.absolute(s));
  return ts.createProgram({ rootNames: virtual === null ? roots : [...roots, virtual], options, host });
}
