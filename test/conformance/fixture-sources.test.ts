/**
 * The third-party fixtures are what SOURCES.md says they are: every file under
 * test/fixtures/conformance/ is listed there with its SHA-256 and still has it (copied
 * unchanged), every listed file exists, and each upstream's licence text sits beside it.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFORMANCE, REPO_ROOT } from "../support/repo-paths.js";

/** The provenance and licence files themselves, which carry no checksum row. */
const PAPERWORK = new Set(["SOURCES.md", "LICENSE-openai-openapi", "openai-cassettes/LICENSE"]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

function listedChecksums(): Map<string, string> {
  const sources = readFileSync(join(CONFORMANCE, "SOURCES.md"), "utf8");
  return new Map([...sources.matchAll(/^\| `([^`]+)` \| `([0-9a-f]{64})` \|$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe("conformance fixtures", () => {
  const listed = listedChecksums();
  const present = filesUnder(CONFORMANCE).map((f) => relative(CONFORMANCE, f).split("\\").join("/"));

  it("lists every file with the checksum it still has", () => {
    expect(listed.size).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (const file of present) {
      if (PAPERWORK.has(file)) continue;
      const sum = createHash("sha256")
        .update(readFileSync(join(CONFORMANCE, file)))
        .digest("hex");
      if (listed.get(file) !== sum) wrong.push(`${file}: ${listed.has(file) ? "changed since it was copied" : "not listed in SOURCES.md"}`);
    }
    for (const file of listed.keys()) if (!present.includes(file)) wrong.push(`${file}: listed but missing`);
    expect(wrong).toEqual([]);
  });

  it("keeps each upstream's licence beside its files, and the repository's LICENSE and NOTICE name them", () => {
    for (const file of PAPERWORK) expect(existsSync(join(CONFORMANCE, file)), file).toBe(true);
    expect(readFileSync(join(CONFORMANCE, "LICENSE-openai-openapi"), "utf8")).toMatch(/^MIT License/);
    expect(readFileSync(join(CONFORMANCE, "openai-cassettes/LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0/);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { license: string };
    expect(pkg.license).toBe("Apache-2.0");
    expect(readFileSync(join(REPO_ROOT, "LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0/);
    const notice = readFileSync(join(REPO_ROOT, "NOTICE"), "utf8");
    expect(notice).toContain("test/fixtures/conformance/openai-openapi.yaml");
    expect(notice).toContain("test/fixtures/conformance/openai-cassettes/");
  });
});
