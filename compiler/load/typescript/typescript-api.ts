/**
 * The TypeScript compiler API, loaded on first use. A static ESM `import ts from
 * "typescript"` makes Node scan the 9 MB CommonJS file for export names at every
 * start of the CLI (~0.5 s), YAML-only compilations and `tollgate serve --policy`
 * included; require() on first use costs ~0.2 s, and only when a policy is written in
 * TypeScript.
 *
 * Modules that need it `import type ts from "typescript"` for the types and, inside
 * each function that uses the API, `const ts = typescript();` (the local value
 * shadows nothing: the import is type-only).
 */
import { createRequire } from "node:module";
import type ts from "typescript";

let api: typeof ts | undefined;

/** The `typescript` module. */
export function typescript(): typeof ts {
  api ??= createRequire(import.meta.url)("typescript") as typeof ts;
  return api;
}
