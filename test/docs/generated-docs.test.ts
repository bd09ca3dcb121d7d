/**
 * The generated references under docs/reference/ match their sources (the zod policy
 * schemas, the diagnostics table, the error table, the CLI's --help): each is
 * regenerated in memory and compared with the committed file.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedDocs } from "../../scripts/docs/generated-docs.js";
import { REPO_ROOT } from "../support/repo-paths.js";

function committed(path: string): string | null {
  try {
    return readFileSync(resolve(REPO_ROOT, path), "utf8");
  } catch {
    return null;
  }
}

describe("generated documentation", async () => {
  const docs = await generatedDocs();

  it("covers the five references", () => {
    expect(Object.keys(docs).sort()).toEqual([
      "docs/reference/cli.md",
      "docs/reference/diagnostics.md",
      "docs/reference/errors.md",
      "docs/reference/policy.md",
      "docs/reference/providers.md",
    ]);
  });

  for (const [path, text] of Object.entries(docs)) {
    it(`${path} is up to date`, () => {
      const current = committed(path);
      if (current !== text) expect.fail(`${path} is ${current === null ? "missing" : "stale"}: run \`npm run generate\` and commit the result`);
    });
  }
});
