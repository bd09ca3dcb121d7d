/**
 * Golden cases: every directory under cases/ holds one or more policy files
 * (*.yaml and *.ts, merged in sorted path order) and the expected output:
 *   plan.json        the exact plan bytes, when the policy compiles;
 *   diagnostics.txt  the human rendering (no colour, paths relative to the case),
 *                    when there is any diagnostic.
 * A case must have exactly the expectation files its outcome produces.
 * UPDATE_GOLDEN=1 rewrites them (and removes stale ones); review the diff.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileSources, renderDiagnostics } from "../../compiler/index.js";

const CASES = fileURLToPath(new URL("./cases/", import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const EXPECTATIONS = ["plan.json", "diagnostics.txt"] as const;
/** Pinned, so a release does not rewrite every golden plan. */
const GOLDEN_COMPILER_VERSION = "0.0.0-golden";

function policyFiles(dir: string, root = dir): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return policyFiles(path, root);
      return /\.(ya?ml|ts)$/.test(name) && !name.endsWith(".d.ts") ? [relative(root, path)] : [];
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Compiles one case directory; returns the expectation files it should have. */
function runCase(dir: string): Partial<Record<(typeof EXPECTATIONS)[number], string>> {
  const sources = policyFiles(dir).map((path) => ({ path, text: readFileSync(join(dir, path), "utf8") }));
  const result = compileSources(sources, { compilerVersion: GOLDEN_COMPILER_VERSION });
  const out: Partial<Record<(typeof EXPECTATIONS)[number], string>> = {};
  if (result.planJson !== null) out["plan.json"] = result.planJson;
  if (result.diagnostics.length > 0) {
    const texts = new Map(sources.map((s) => [s.path, s.text]));
    out["diagnostics.txt"] = renderDiagnostics(result.diagnostics, { format: "human", color: false, sources: texts });
  }
  return out;
}

const caseNames = readdirSync(CASES)
  .filter((name) => statSync(join(CASES, name)).isDirectory())
  .sort();

describe("golden compiler cases", () => {
  it("has cases", () => {
    expect(caseNames.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of caseNames) {
    it(name, () => {
      const dir = join(CASES, name);
      const actual = runCase(dir);
      for (const file of EXPECTATIONS) {
        const path = join(dir, file);
        const produced = actual[file];
        if (UPDATE) {
          if (produced === undefined) rmSync(path, { force: true });
          else writeFileSync(path, produced);
          continue;
        }
        const expected = existsSync(path) ? readFileSync(path, "utf8") : undefined;
        expect(produced, `${name}/${file}`).toBe(expected);
      }
    });
  }
});
