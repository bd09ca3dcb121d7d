/**
 * The shipped policies and examples compile with zero diagnostics, and every policy
 * YAML in the repo (not the Kubernetes manifests or CI workflows beside them) starts with a `$schema` modeline that resolves to the generated
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

/** A Tollgate policy (or policy-test) file, as opposed to other YAML the examples ship (Kubernetes manifests, CI workflows). */
function isPolicyYaml(file: string): boolean {
  return /^apiVersion: tollgate\//m.test(readFileSync(file, "utf8"));
}

const tsExamples = readdirSync(join(ROOT, "examples"))
  .map((name) => join(ROOT, "examples", name))
  .filter((path) => statSync(path).isDirectory() && existsSync(join(path, "gateway.ts")));
const policyYaml = [join(ROOT, "policies"), join(ROOT, "examples")].flatMap(yamlFiles).filter(isPolicyYaml);
/** Each directory that holds policy files is one policy (examples/gitops keeps its policy in policy/). */
const shipped = [...new Set([...policyYaml.map((file) => dirname(file)), ...tsExamples])].sort();

describe("shipped policies and examples", () => {
  for (const dir of shipped) {
    it(`${relative(ROOT, dir)} compiles with no diagnostics`, async () => {
      const result = await compilePaths([dir]);
      expect(result.diagnostics).toEqual([]);
      expect(result.plan).not.toBeNull();
    });
  }

  const modelined = [...policyYaml, ...yamlFiles(join(ROOT, "test/compiler/cases"))];
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
