/** Same inputs → byte-identical plan; document order that carries no meaning does not matter. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalJson, planHash } from "../../schemas/plan/canonical.js";
import { Plan } from "../../schemas/plan/plan.js";
import { compileSources } from "../../compiler/index.js";

const policy = readFileSync(new URL("./cases/valid-multi-provider/policy.yaml", import.meta.url), "utf8");

const listenerDoc = `apiVersion: tollgate/v1
listener: { maxBodyBytes: 8MiB }
`;
const gatewayDoc = `apiVersion: tollgate/v1
providers:
  - { name: a, kind: openai-compatible, baseUrl: "https://a.example.com/v1" }
  - { name: b, kind: openai-compatible, baseUrl: "https://b.example.com/v1" }
models:
  - name: m
    targets: [{ provider: a, weight: 2 }, { provider: b, weight: 1 }]
routes:
  - { match: { model: "m-*" }, model: m }
`;
const consumerDoc = `apiVersion: tollgate/v1
consumers:
  - name: c
    keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }]
`;

function compileText(text: string): string {
  const result = compileSources([{ path: "policy.yaml", text }]);
  expect(result.diagnostics).toEqual([]);
  if (result.planJson === null) throw new Error("expected a plan");
  return result.planJson;
}

describe("determinism", () => {
  it("compiles the same sources to the same bytes", () => {
    expect(compileText(policy)).toBe(compileText(policy));
  });

  it("does not depend on the order of documents that each hold different lists", () => {
    const a = compileText([listenerDoc, gatewayDoc, consumerDoc].join("---\n"));
    const b = compileText([consumerDoc, listenerDoc, gatewayDoc].join("---\n"));
    const c = compileText([gatewayDoc, consumerDoc, listenerDoc].join("---\n"));
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it("does not depend on key order within mappings", () => {
    const reordered = gatewayDoc.replace(
      '{ name: a, kind: openai-compatible, baseUrl: "https://a.example.com/v1" }',
      '{ baseUrl: "https://a.example.com/v1", kind: openai-compatible, name: a }',
    );
    expect(compileText(reordered + "---\n" + consumerDoc)).toBe(compileText(gatewayDoc + "---\n" + consumerDoc));
  });

  it("emits a plan that passes the plan schema, with a hash the runtime can verify", () => {
    const result = compileSources([{ path: "policy.yaml", text: policy }]);
    const parsed = Plan.safeParse(JSON.parse(result.planJson ?? "null"));
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(planHash(parsed.data)).toBe(parsed.data.hash);
    expect(canonicalJson(parsed.data, 2) + "\n").toBe(result.planJson);
    expect(result.plan).toEqual(parsed.data);
  });

  it("stamps the package version as compilerVersion by default", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(compileSources([{ path: "p.yaml", text: policy }]).plan?.compilerVersion).toBe(pkg.version);
    expect(compileSources([{ path: "p.yaml", text: policy }], { compilerVersion: "9.9.9" }).plan?.compilerVersion).toBe("9.9.9");
  });
});
