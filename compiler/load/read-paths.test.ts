import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPolicySources } from "./read-paths.js";

const root = mkdtempSync(join(tmpdir(), "tollgate-read-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, text = ""): string {
  const full = join(root, path);
  mkdirSync(join(full, ".."), { recursive: true });
  writeFileSync(full, text);
  return full;
}

describe("readPolicySources", () => {
  it("finds YAML and TypeScript policies, skipping declarations, tests, node_modules and hidden entries", async () => {
    for (const path of ["p/a.yaml", "p/b.ts", "p/sub/c.yml", "p/types.d.ts", "p/b.test.ts", "p/node_modules/x.yaml", "p/.hidden/y.yaml", "p/README.md"]) file(path);
    const sources = await readPolicySources([join(root, "p")]);
    expect(sources.map((s) => relative(root, s.path))).toEqual(["p/a.yaml", "p/b.ts", "p/sub/c.yml"]);
  });

  it("adds the policy modules a given TypeScript file imports, wherever they are", async () => {
    const gateway = file("q/gateway.ts", 'import { providers } from "../shared/providers.js";\nimport type { X } from "./types";\nexport default {};\n');
    file("shared/providers.ts", 'export { more } from "./more";\nexport const providers = [];\n');
    file("shared/more.ts", "export const more = 1;\n");
    const sources = await readPolicySources([gateway]);
    expect(sources.map((s) => relative(root, s.path))).toEqual(["q/gateway.ts", "shared/more.ts", "shared/providers.ts"]);
  });
});
