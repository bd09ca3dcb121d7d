/**
 * The architecture, enforced (rules in import-graph.ts, where they are unit-tested):
 * - the runtime's folders are layers in the order of runtime/README.md, and a value
 *   import may only point to its own layer or one below;
 * - the plan is the only contract: compiler ↛ runtime, runtime ↛ compiler, authoring
 *   schemas, CLI, tools, zod, yaml or typescript; the runtime reads the plan through
 *   the zod-free modules of schemas/plan (and the generated validator) only;
 * - no import circles in runtime/ or compiler/.
 */
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/repo-paths.js";
import { crossings, importCircles, importEdges, layerViolations, type ImportEdge } from "./import-graph.js";
import { RUNTIME_LAYERS } from "./runtime-layers.js";

function sources(): Map<string, string> {
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts"], { cwd: REPO_ROOT, encoding: "utf8" });
  const map = new Map<string, string>();
  for (const file of listed.split("\n")) {
    if (file.length === 0 || file.endsWith(".test.ts") || file.startsWith("test/compiler/cases/")) continue;
    map.set(file, readFileSync(resolve(REPO_ROOT, file), "utf8"));
  }
  return map;
}

const show = (edges: readonly ImportEdge[]): string[] => edges.map((e) => `${e.from} → ${e.to}`);

describe("architecture", () => {
  const edges = importEdges(sources());

  it("sees the real tree (the walker works)", () => {
    expect(edges.some((e) => e.from === "runtime/gateway.ts" && e.to === "runtime/pipeline/handle-request.ts" && e.value)).toBe(true);
  });

  it("runtime/README.md lists the layers in the order checked here", () => {
    const readme = readFileSync(resolve(REPO_ROOT, "runtime/README.md"), "utf8");
    const listed = [...readme.matchAll(/^\| `([\w.-]+)\/?` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(RUNTIME_LAYERS.order);
  });

  it("runtime: every file is in a layer, and value imports only point down", () => {
    expect(layerViolations(edges, RUNTIME_LAYERS).map((v) => `${v.edge.from} (${v.fromLayer}) → ${v.edge.to} (${v.toLayer})`)).toEqual([]);
  });

  it("runtime and compiler have no import circles", () => {
    expect(importCircles(edges, "runtime/")).toEqual([]);
    expect(importCircles(edges, "compiler/")).toEqual([]);
  });

  it("compiler never imports the runtime, and the runtime never imports the compiler, CLI or tools", () => {
    expect(show(crossings(edges, "compiler/", ["runtime/"]))).toEqual([]);
    expect(show(crossings(edges, "runtime/", ["compiler/", "cli/", "tools/", "scripts/", "schemas/policy/", "schemas/catalog/"], true))).toEqual([]);
  });

  it("the runtime loads no zod, yaml, typescript or ajv compiler, and from schemas/ only the zod-free plan reader and generated validator", () => {
    expect(show(crossings(edges, "runtime/", ["zod", "yaml", "typescript", "ajv"], true))).toEqual([]);
    const schemaImports = edges.filter((e) => e.value && !e.external && e.from.startsWith("runtime/") && e.to.startsWith("schemas/"));
    const reached = new Set(schemaImports.map((e) => e.to));
    // Everything those schema modules load in turn must be zod-free too.
    const queue = [...reached];
    while (queue.length > 0) {
      const file = queue.pop()!;
      for (const e of edges) if (e.from === file && e.value && !e.external && !reached.has(e.to)) (reached.add(e.to), queue.push(e.to));
    }
    const zodUsers = [...reached].filter((f) => edges.some((e) => e.from === f && e.value && e.external && e.to === "zod"));
    expect(zodUsers).toEqual([]);
    expect([...reached].filter((f) => !f.startsWith("schemas/plan/") && !f.startsWith("schemas/generated/"))).toEqual([]);
  });

  it("the runtime uses only the allowed packages", () => {
    // The Bedrock adapter signs with the maintained AWS signer and decodes event-stream frames with AWS's codec.
    const allowed = ["@smithy/eventstream-codec", "@smithy/hash-node", "@smithy/signature-v4", "pino", "prom-client", "redis", "undici", "@trufflesuite/uws-js-unofficial"];
    const used = new Set(edges.filter((e) => e.value && e.external && e.from.startsWith("runtime/")).map((e) => e.to));
    expect([...used].filter((p) => !p.startsWith("node:") && !allowed.includes(p)).sort()).toEqual([]);
  });
});
