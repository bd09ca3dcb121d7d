/**
 * The plan is the only contract between compiler and runtime: walk the runtime's
 * import graph from its entry points (value imports only: `import type` is erased by
 * verbatimModuleSyntax) and prove it never reaches the compiler, the authoring
 * schemas, zod, yaml or typescript.
 */
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/shared-path.js";

const ENTRIES = ["runtime/gateway.ts", "runtime/mock-upstream/index.ts", "runtime/workers/worker-entry.ts", "runtime/workers/start-workers.ts"];
const FORBIDDEN_PACKAGES = ["zod", "yaml", "typescript", "ajv"];
const FORBIDDEN_DIRS = ["compiler/", "schemas/policy/", "cli/", "scripts/"];

/** Value imports and re-exports of a module (type-only ones excluded). */
function valueImports(source: string): string[] {
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?["']([^"']+)["']/gm;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) {
    if (m[2] === undefined) out.push(m[3]!);
  }
  const dynamic = /import\(\s*["']([^"']+)["']\s*\)/g;
  for (let m = dynamic.exec(source); m !== null; m = dynamic.exec(source)) out.push(m[1]!);
  return out;
}

function walk(): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = ENTRIES.map((e) => resolve(REPO_ROOT, e));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of valueImports(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) queue.push(resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
      else packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
    }
  }
  return { files, packages };
}

describe("runtime import graph", () => {
  const { files, packages } = walk();
  const rel = [...files].map((f) => relative(REPO_ROOT, f));

  it("reaches real runtime files (the walker works)", () => {
    expect(rel).toContain("runtime/pipeline/chat-call.ts");
    expect(rel).toContain("schemas/generated/plan-validate.ts");
  });

  it("contains no compiler, authoring-schema or CLI code", () => {
    expect(rel.filter((f) => FORBIDDEN_DIRS.some((d) => f.startsWith(d)))).toEqual([]);
  });

  it("imports no zod, yaml, typescript or ajv's compiler", () => {
    expect([...packages].filter((p) => FORBIDDEN_PACKAGES.includes(p))).toEqual([]);
  });

  it("uses only the allowed packages", () => {
    // The Bedrock adapter signs with the maintained AWS signer and decodes event-stream frames with AWS's codec.
    const allowed = ["@smithy/eventstream-codec", "@smithy/hash-node", "@smithy/signature-v4", "pino", "prom-client", "redis", "undici"];
    expect([...packages].filter((p) => !p.startsWith("node:") && !allowed.includes(p)).sort()).toEqual([]);
  });
});
