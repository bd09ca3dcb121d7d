/**
 * The shipped policies and examples compile with zero diagnostics, and every policy
 * YAML in the repo starts with a `$schema` modeline that resolves to the generated
 * JSON Schema (so editors complete and validate it).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compilePaths } from "../../compiler/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCHEMA = join(ROOT, "schemas/generated/policy.schema.json");

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const shipped = [join(ROOT, "policies"), ...readdirSync(join(ROOT, "examples")).map((name) => join(ROOT, "examples", name))].filter(
  (path) => statSync(path).isDirectory() && (yamlFiles(path).length > 0 || readdirSync(path).some((name) => name === "gateway.ts")),
);

describe("shipped policies and examples", () => {
  for (const dir of shipped) {
    it(`${relative(ROOT, dir)} compiles with no diagnostics`, async () => {
      const result = await compilePaths([dir]);
      expect(result.diagnostics).toEqual([]);
      expect(result.plan).not.toBeNull();
    });
  }

  const modelined = [...shipped.flatMap(yamlFiles), ...yamlFiles(join(ROOT, "test/compiler/cases"))];
  it("every policy file starts with a $schema modeline that resolves", () => {
    expect(modelined.length).toBeGreaterThan(0);
    for (const file of modelined) {
      const first = readFileSync(file, "utf8").split("\n", 1)[0] ?? "";
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(match, `${relative(ROOT, file)} has no $schema modeline`).not.toBeNull();
      expect(resolve(dirname(file), match?.[1] ?? ""), relative(ROOT, file)).toBe(SCHEMA);
    }
  });
});
