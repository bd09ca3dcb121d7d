/**
 * Every source file is formatted by Prettier (`.prettierrc.json`), so diffs show
 * changes of meaning, never of layout. Fix with `npm run format`.
 */
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/repo-paths.js";

/** The files git knows of (tracked or new, not ignored) that Prettier formats. */
function sourceFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.mts", "*.mjs", "*.js"], { cwd: REPO_ROOT, encoding: "utf8" });
  return out.split("\n").filter((f) => f.length > 0);
}

describe("formatting", () => {
  it("every source file is Prettier-formatted (run `npm run format`)", async () => {
    const unformatted: string[] = [];
    for (const file of sourceFiles()) {
      const path = resolve(REPO_ROOT, file);
      const info = await prettier.getFileInfo(path, { ignorePath: resolve(REPO_ROOT, ".prettierignore") });
      if (info.ignored || info.inferredParser === null) continue;
      const options = await prettier.resolveConfig(path);
      if (!(await prettier.check(readFileSync(path, "utf8"), { ...options, filepath: path }))) unformatted.push(file);
    }
    expect(unformatted).toEqual([]);
  }, 120_000);
});
