/**
 * The compiler's version, stamped into every plan: the `version` of the tollgate
 * package.json, found by walking up from this module (works from the sources and
 * from dist/). Read once.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/** The tollgate package version. */
export function compilerVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "tollgate" && typeof pkg.version === "string") return (cached = pkg.version);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("internal: cannot find the tollgate package.json to read the compiler version");
    dir = parent;
  }
}
