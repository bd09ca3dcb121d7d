/**
 * The TypeScript policy modules of one compilation. The type checker and the sandbox
 * see exactly these files (by absolute path, so relative imports between them work)
 * and nothing else of the user's file system: a relative import resolves only to
 * another policy module given to the compiler.
 */
import { dirname, resolve } from "node:path";
import type { Source } from "../../ir.js";

/** The only bare module specifier a policy module may import. */
export const TOLLGATE_MODULE = "tollgate";

/** True for `./x`, `../x` (the only imports besides `tollgate`). */
export function isRelativeSpecifier(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../");
}

/** The TypeScript sources of a compilation, addressable by source path and absolute path. */
export class PolicyModules {
  readonly sources: readonly Source[];
  readonly #byAbsolute = new Map<string, Source>();
  readonly #absoluteOf = new Map<string, string>();

  constructor(sources: readonly Source[]) {
    this.sources = sources;
    for (const source of sources) {
      const absolute = resolve(source.path);
      this.#byAbsolute.set(absolute, source);
      this.#absoluteOf.set(source.path, absolute);
    }
  }

  /** The absolute path the type checker knows a source by. */
  absolute(source: Source): string {
    const absolute = this.#absoluteOf.get(source.path);
    if (absolute === undefined) throw new Error(`internal: ${source.path} is not a policy module`);
    return absolute;
  }

  /** The source at an absolute path, if it is a policy module. */
  byAbsolute(absolute: string): Source | undefined {
    return this.#byAbsolute.get(absolute);
  }

  /**
   * The policy module a relative specifier in `from` names, or undefined. Accepts what
   * editors accept under NodeNext and bundler resolution: `./x.js`, `./x.ts`, `./x`, `./x/index`.
   */
  resolveImport(from: Source, specifier: string): Source | undefined {
    if (!isRelativeSpecifier(specifier)) return undefined;
    const base = resolve(dirname(this.absolute(from)), specifier);
    const candidates = [base.replace(/\.js$/, ".ts"), base, `${base}.ts`, `${base}/index.ts`];
    for (const candidate of candidates) {
      const found = this.#byAbsolute.get(candidate);
      if (found !== undefined && candidate.endsWith(".ts")) return found;
    }
    return undefined;
  }
}
