/**
 * docs/architecture.md repeats two things the code owns: the runtime's layer table
 * (runtime/README.md, checked against the import graph by test/invariants) and the
 * compiler's pass list (compiler/pipeline.ts). Both copies must stay in the code's order.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compilerPipeline } from "../../compiler/pipeline.js";
import { RUNTIME_LAYERS } from "../invariants/runtime-layers.js";
import { REPO_ROOT } from "../support/repo-paths.js";

const doc = readFileSync(resolve(REPO_ROOT, "docs/architecture.md"), "utf8");

/** The backticked names in the first cell of each row of the table that follows `heading`. */
function firstCells(heading: string): string[] {
  const section = doc.slice(doc.indexOf(heading));
  const rows = section.slice(section.indexOf("\n|")).split("\n\n")[0]!.split("\n").slice(3);
  return rows.flatMap((row) => [...(row.split("|")[1] ?? "").matchAll(/`([\w./-]+?)\/?`/g)].map((m) => m[1]!));
}

describe("docs/architecture.md", () => {
  it("lists the runtime's layers in the order the layer check enforces", () => {
    expect(firstCells("## The runtime's layers")).toEqual(RUNTIME_LAYERS.order);
  });

  it("lists the compiler's passes in pipeline order", () => {
    expect(firstCells("## The compiler pipeline")).toEqual(compilerPipeline.passNames);
  });
});
