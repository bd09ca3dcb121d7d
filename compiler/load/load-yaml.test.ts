import { describe, expect, it } from "vitest";
import { compileSources } from "../index.js";

function codes(text: string): string[] {
  return compileSources([{ path: "p.yaml", text }], { compilerVersion: "test" }).diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`);
}

describe("load", () => {
  it("refuses files over 4 MiB", () => {
    expect(codes("# " + "x".repeat(4 * 1024 * 1024))).toEqual(["TG1003@1:1"]);
  });

  it("reports keys that are not plain strings", () => {
    expect(codes("apiVersion: tollgate/v1\n? [a, b]\n: 1\n")).toEqual(["TG1006@2:3"]);
  });

  it("reports aliases without an anchor", () => {
    expect(codes("apiVersion: tollgate/v1\nproviders: *missing\n")).toEqual(["TG1005@2:12"]);
  });

  it("reports duplicate keys at the second occurrence, with the first as related", () => {
    const result = compileSources([{ path: "p.yaml", text: "apiVersion: tollgate/v1\napiVersion: tollgate/v1\n" }]);
    expect(result.diagnostics).toMatchObject([{ code: "TG1002", line: 2, col: 1, related: [{ line: 1, col: 1 }] }]);
  });

  it("skips empty documents and comment-only files (leaving an empty gateway)", () => {
    expect(codes("# nothing here\n---\n---\n")).toEqual(["TG3031@1:1", "TG3030@1:1"]);
  });

  it("follows aliases within the limit", () => {
    const text = `apiVersion: tollgate/v1
providers:
  - &p { name: a, kind: openai-compatible, baseUrl: "https://a.example.com/v1" }
models:
  - { name: m, targets: [{ provider: a }] }
consumers:
  - { name: c, keys: [{ sha256: ${"b".repeat(64)} }] }
`;
    expect(codes(text)).toEqual([]);
  });

  it("reports a document that is not a mapping", () => {
    const result = compileSources([{ path: "p.yaml", text: "- a\n- b\n" }]);
    expect(result.diagnostics).toMatchObject([{ code: "TG1012", message: "the policy document must be a mapping, not a list" }]);
  });

  it("keeps diagnostics of several files in file order", () => {
    const result = compileSources([
      { path: "b.yaml", text: "apiVersion: tollgate/v9\n" },
      { path: "a.yaml", text: "apiVersion: tollgate/v9\n" },
    ]);
    expect(result.diagnostics.map((d) => d.file)).toEqual(["b.yaml", "a.yaml"]);
  });
});
