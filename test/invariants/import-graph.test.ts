/** The architecture checker itself, on small synthetic trees: it must catch what it exists to catch. */
import { describe, expect, it } from "vitest";
import { crossings, importCircles, importEdges, layerViolations } from "./import-graph.js";
import { RUNTIME_LAYERS } from "./runtime-layers.js";

const tree = (files: Record<string, string>): Map<string, string> => new Map(Object.entries(files));

describe("import-graph checker", () => {
  it("accepts imports that point down and type imports that point up", () => {
    const edges = importEdges(
      tree({
        "runtime/pipeline/a.ts": 'import { b } from "../stages/b.js";\nimport type { C } from "../ops/c.js";\nimport { type D } from "../ops/d.js";',
        "runtime/stages/b.ts": 'export { log } from "../base/log.js";',
        "runtime/ops/c.ts": "",
        "runtime/ops/d.ts": "",
        "runtime/base/log.ts": "",
      }),
    );
    expect(layerViolations(edges, RUNTIME_LAYERS)).toEqual([]);
  });

  it("fails on a deliberately wrong import: a value import up the order", () => {
    const edges = importEdges(
      tree({
        "runtime/stages/quota.ts": 'import { sendError } from "../pipeline/respond.js";',
        "runtime/pipeline/respond.ts": "",
      }),
    );
    const violations = layerViolations(edges, RUNTIME_LAYERS);
    expect(violations.map((v) => [v.edge.from, v.fromLayer, v.toLayer])).toEqual([["runtime/stages/quota.ts", "stages", "pipeline"]]);
  });

  it("catches a mixed import list (one value among types) and dynamic imports", () => {
    const edges = importEdges(
      tree({
        "runtime/base/x.ts": 'import { type A, b } from "../ops/y.js";\nconst m = await import("../server/z.js");',
        "runtime/ops/y.ts": "",
        "runtime/server/z.ts": "",
      }),
    );
    expect(layerViolations(edges, RUNTIME_LAYERS).map((v) => v.edge.to)).toEqual(["runtime/ops/y.ts", "runtime/server/z.ts"]);
  });

  it("puts a file in no layer on the list", () => {
    const edges = importEdges(tree({ "runtime/misc/x.ts": 'import { y } from "../base/y.js";', "runtime/base/y.ts": "" }));
    expect(layerViolations(edges, RUNTIME_LAYERS).map((v) => v.fromLayer)).toEqual([null]);
  });

  it("finds import circles, including long ones, and ignores type-only ones", () => {
    const edges = importEdges(
      tree({
        "runtime/base/a.ts": 'import "./b.js";',
        "runtime/base/b.ts": 'import { c } from "./c.js";',
        "runtime/base/c.ts": 'export * from "./a.js";',
        "runtime/base/d.ts": 'import type { E } from "./e.js";',
        "runtime/base/e.ts": 'import type { D } from "./d.js";',
      }),
    );
    expect(importCircles(edges, "runtime/")).toEqual([["runtime/base/a.ts", "runtime/base/b.ts", "runtime/base/c.ts"]]);
  });

  it("finds a self-import as a circle", () => {
    expect(importCircles(importEdges(tree({ "compiler/x.ts": 'import { x } from "./x.js";' })), "compiler/")).toEqual([["compiler/x.ts"]]);
  });

  it("sees compiler → runtime crossings, type imports included", () => {
    const edges = importEdges(tree({ "compiler/c.ts": 'import type { Plan } from "../runtime/plan/p.js";', "runtime/plan/p.ts": "" }));
    expect(crossings(edges, "compiler/", ["runtime/"]).map((e) => e.to)).toEqual(["runtime/plan/p.ts"]);
    expect(crossings(edges, "compiler/", ["runtime/"], true)).toEqual([]);
  });

  it("names packages, scoped ones by scope and name", () => {
    const edges = importEdges(tree({ "runtime/base/x.ts": 'import { z } from "zod";\nimport { S } from "@smithy/signature-v4/dist/x.js";\nimport { p } from "node:path";' }));
    expect(edges.map((e) => e.to)).toEqual(["zod", "@smithy/signature-v4", "node:path"]);
  });
});
