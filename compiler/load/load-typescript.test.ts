/**
 * TypeScript policies: the sandbox is hermetic and deterministic, modules import each
 * other, diagnostics land in the right file, and the same policy gives the same plan
 * whether written in TypeScript or YAML.
 */
import { describe, expect, it } from "vitest";
import * as tollgate from "../../schemas/index.js";
import { CompileContext } from "../context.js";
import { compileSources, renderDiagnostics } from "../index.js";
import type { Source, SourceDocument } from "../ir.js";
import { compilerPipeline } from "../pipeline.js";

/** Loads sources (the load pass only): the documents' values and the diagnostics. */
function load(sources: Source[]): { values: unknown[]; codes: string[] } {
  const ctx = new CompileContext({ compilerVersion: "test", files: sources.map((s) => s.path) });
  const docs = (compilerPipeline.runUntil("load", sources, ctx) ?? []) as SourceDocument[];
  return { values: docs.map((d) => d.value), codes: ctx.diagnostics().map((d) => `${d.code}@${d.file}:${d.line}`) };
}

const policy = (body: string, exported = '{ apiVersion: "tollgate/v1", listener: { maxJsonDepth: probe } }'): Source => ({
  path: "policy.ts",
  text: `import { defineGateway } from "tollgate";\n${body}\nexport default defineGateway(${exported} as any);\n`,
});

describe("the evaluation sandbox", () => {
  it("has no host globals: process, require, timers, console, fetch, WebAssembly", () => {
    const names = ["process", "require", "module", "setTimeout", "setImmediate", "queueMicrotask", "console", "fetch", "Buffer", "WebAssembly", "SharedArrayBuffer", "Atomics"];
    const probe = `const g = globalThis as any;\nconst probe = [${names.map((n) => `g[${JSON.stringify(n)}]`).join(", ")}].filter((v) => v !== undefined).length;`;
    expect(load([policy(probe)]).values).toEqual([{ apiVersion: "tollgate/v1", listener: { maxJsonDepth: 0 } }]);
  });

  it("refuses string code generation, so the Function constructor is no way out", () => {
    const { codes } = load([policy('const probe = (() => 0).constructor("return 1")();')]);
    expect(codes).toEqual(["TG1105@policy.ts:2"]);
  });

  it("makes randomness and the clock unavailable, but keeps fixed dates", () => {
    expect(load([policy("const probe = new Date(64).getTime();")]).values).toEqual([{ apiVersion: "tollgate/v1", listener: { maxJsonDepth: 64 } }]);
    expect(load([policy("const probe = Date.now();")]).codes).toEqual(["TG1105@policy.ts:2"]);
    expect(load([policy("const probe = new Date().getTime();")]).codes).toEqual(["TG1105@policy.ts:2"]);
  });

  it("stops promise-job loops at the time limit", () => {
    const spin = "const spin = (): Promise<void> => Promise.resolve().then(spin);\nvoid spin();\nconst probe = 2;";
    expect(load([policy(spin)]).codes).toEqual(["TG1106@policy.ts:5"]);
  });

  it("refuses a module name computed at run time", () => {
    const { codes } = load([policy("const name = ['f', 's'].join('');\nconst probe = (globalThis as any).x ?? 2;\nvoid import(name);")]);
    expect(codes).toEqual(["TG1102@policy.ts:4"]);
  });

  it("copies only plain data: cycles and class instances are refused where they are written", () => {
    expect(load([policy("const probe: any = {};\nprobe.self = probe;")]).codes).toEqual(["TG1107@policy.ts:4"]);
    expect(load([policy("const probe = new Map();")]).codes).toEqual(["TG1107@policy.ts:3"]);
  });
});

describe("policy modules", () => {
  it("import each other, and a module without a policy export is a helper", () => {
    const main: Source = {
      path: "dir/main.ts",
      text: `import { defineGateway } from "tollgate";\nimport { depth } from "./lib/depth.js";\nexport default defineGateway({ apiVersion: "tollgate/v1", listener: { maxJsonDepth: depth } });\n`,
    };
    const lib: Source = { path: "dir/lib/depth.ts", text: "export const depth = 32;\n" };
    expect(load([lib, main]).values).toEqual([{ apiVersion: "tollgate/v1", listener: { maxJsonDepth: 32 } }]);
  });

  it("report a throw in an imported module at the line in that module", () => {
    const main: Source = {
      path: "main.ts",
      text: `import { defineGateway } from "tollgate";\nimport { depth } from "./depth.js";\nexport default defineGateway({ apiVersion: "tollgate/v1", listener: { maxJsonDepth: depth } });\n`,
    };
    const lib: Source = { path: "depth.ts", text: "const table: Record<string, number> = {};\n\nexport const depth: number = table.x!.valueOf();\n" };
    expect(load([main, lib]).codes).toEqual(["TG1105@depth.ts:3", "TG1105@depth.ts:3"]);
  });

  it("point shape errors at the TypeScript node, through a const in another module", () => {
    const main: Source = {
      path: "main.ts",
      text: `import { defineGateway } from "tollgate";\nimport { vllm } from "./providers.js";\nexport default defineGateway({ apiVersion: "tollgate/v1", providers: [vllm] });\n`,
    };
    const providers: Source = {
      path: "providers.ts",
      text: `export const vllm = {\n  name: "vllm",\n  kind: "openai-compatible",\n  baseUrl: "http://10.0.0.7:8000/v1",\n  network: "private",\n  timeouts: { connect: "5 s" },\n} as const;\n`,
    };
    const result = compileSources([main, providers]);
    expect(result.diagnostics.map((d) => `${d.code}@${d.file}:${d.line}:${d.col}`)).toEqual(["TG1030@providers.ts:6:24"]);
  });
});

describe("the tollgate module in the sandbox", () => {
  it("offers every function export of `tollgate`, each the identity", () => {
    const helpers = Object.entries(tollgate).filter(([, v]) => typeof v === "function");
    expect(helpers.map(([name]) => name)).toEqual(["defineGateway"]);
    const value = { apiVersion: "tollgate/v1" } as const;
    for (const [, helper] of helpers) expect((helper as (v: unknown) => unknown)(value)).toBe(value);
  });
});

describe("TypeScript and YAML", () => {
  const yaml: Source = {
    path: "gateway.yaml",
    text: `apiVersion: tollgate/v1
providers:
  - { name: vllm, kind: openai-compatible, baseUrl: "http://10.0.0.7:8000/v1", network: private, timeouts: { connect: 500ms } }
models:
  - { name: chat, targets: [{ provider: vllm, model: llama }] }
consumers:
  - { name: a, keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }] }
`,
  };
  const ts: Source = {
    path: "gateway.ts",
    text: `import { defineGateway } from "tollgate";
export default defineGateway({
  consumers: [{ keys: [{ sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" }], name: "a" }],
  models: [{ targets: [{ model: "llama", provider: "vllm" }], name: "chat" }],
  providers: [{ timeouts: { connect: "500ms" }, baseUrl: "http://10.0.0.7:8000/v1", network: "private", kind: "openai-compatible", name: "vllm" }],
  apiVersion: "tollgate/v1",
});
`,
  };

  it("compile the same policy to the same bytes, every time", () => {
    const fromYaml = compileSources([yaml], { compilerVersion: "test" }).planJson;
    const fromTs = compileSources([ts], { compilerVersion: "test" });
    expect(fromTs.diagnostics).toEqual([]);
    expect(fromTs.planJson).toBe(fromYaml);
    expect(compileSources([ts], { compilerVersion: "test" }).planJson).toBe(fromTs.planJson);
  });

  it("never print a literal secret written in TypeScript, in any format", () => {
    const secret = "sk-proj-Zx81LeakedSecretValue0123456789";
    const leaky: Source = {
      path: "leak.ts",
      text: `import { defineGateway } from "tollgate";\nconst oops: number = "x";\nexport default defineGateway({ apiVersion: "tollgate/v1", providers: [{ name: "o", kind: "openai-compatible", baseUrl: "https://a.example.com/v1", apiKeys: ["${secret}"] }] });\n`,
    };
    const { diagnostics } = compileSources([leaky]);
    expect(diagnostics.map((d) => d.code)).toEqual(["TG1101", "TG1020"]);
    const sources = new Map([[leaky.path, leaky.text]]);
    for (const format of ["human", "json", "github"] as const) expect(renderDiagnostics(diagnostics, { format, sources })).not.toContain(secret);
  });
});
