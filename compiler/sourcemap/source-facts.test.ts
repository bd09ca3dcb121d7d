/** The plan's source map, and the rule that tests and positions never change the plan. */
import { describe, expect, it } from "vitest";
import { compileSources } from "../index.js";
import { parseSourceMap, pointer, renderSourceMap, sourceMapFileFor } from "./plan-source-map.js";

const policy = `apiVersion: tollgate/v1
providers:
  - name: vllm
    kind: openai-compatible
    baseUrl: "http://10.0.0.7:8000/v1"
    timeouts: { connect: 500ms }
    network: private
  - { name: openai, kind: openai-compatible, baseUrl: "https://api.openai.com/v1" }
models:
  - name: chat
    targets:
      - { provider: vllm, weight: 3 }
      - { provider: openai, model: gpt-4o-mini }
routes:
  - { name: minis, match: { model: "gpt-*-mini" }, model: chat }
consumers:
  - name: a
    keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }]
    models: [chat]
`;
const tests = `tests:
  - name: minis reach chat
    given: { model: gpt-4-mini, consumer: a }
    expect: { route: minis, target: { provider: vllm, share: 0.75 } }
`;

describe("policy tests", () => {
  it("do not change the plan's bytes", () => {
    const without = compileSources([{ path: "p.yaml", text: policy }], { compilerVersion: "test" });
    const withTests = compileSources([{ path: "p.yaml", text: policy + tests }], { compilerVersion: "test" });
    expect(withTests.diagnostics).toEqual([]);
    expect(withTests.tests.map((t) => t.failures.length)).toEqual([0]);
    expect(withTests.planJson).toBe(without.planJson);
  });
});

describe("the source map", () => {
  const result = compileSources([{ path: "p.yaml", text: policy }], { compilerVersion: "test" });
  const map = result.sourceMap;
  const at = (...path: (string | number)[]): string => {
    const l = map?.mappings[pointer(...path)];
    return l === undefined ? "-" : `${l.file}:${l.line}:${l.col}`;
  };

  it("belongs to its plan and is not part of it", () => {
    expect(map?.plan).toBe(result.plan?.hash);
    expect(result.planJson).not.toContain("p.yaml");
  });

  it("maps plan entries to the policy lines that produced them", () => {
    expect(at("upstreams", 0)).toBe("p.yaml:3:5");
    expect(at("upstreams", 0, "timeouts", "connectMs")).toBe("p.yaml:6:26");
    expect(at("upstreams", 0, "timeouts", "firstByteMs")).toBe("-"); // a default: not written anywhere
    expect(at("models", 0)).toBe("p.yaml:10:5");
    expect(at("models", 0, "weighted", 1)).toBe("p.yaml:13:9");
    expect(at("routing", "routes", 0)).toBe("p.yaml:15:5");
    expect(at("routing", "globs", 0)).toBe("p.yaml:15:5");
    expect(at("consumers", 0, "keySha256", 0)).toBe("p.yaml:18:22");
    expect(at("consumers", 0, "allowedModels", 0)).toBe("p.yaml:19:14");
  });

  it("maps TypeScript policies to their TypeScript lines", () => {
    const ts = `import { defineGateway } from "tollgate";
export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [{ name: "vllm", kind: "openai-compatible", baseUrl: "http://10.0.0.7:8000/v1", network: "private" }],
  models: [{ name: "chat", targets: [{ provider: "vllm" }] }],
});
`;
    const compiled = compileSources([{ path: "g.ts", text: ts }]);
    expect(compiled.sourceMap?.mappings[pointer("models", 0, "weighted", 0)]).toEqual({ file: "g.ts", line: 5, col: 38 });
  });

  it("round-trips through its file, and is refused for another plan", () => {
    if (map === null || map === undefined) throw new Error("expected a source map");
    expect(parseSourceMap(renderSourceMap(map), map.plan)).toEqual(map);
    expect(parseSourceMap(renderSourceMap(map), "sha256:other")).toMatch(/another plan/);
    expect(sourceMapFileFor("out/plan.json")).toBe("out/plan.sourcemap.json");
    expect(pointer("routing", "exact", "a/b~c")).toBe("/routing/exact/a~1b~0c");
  });
});
