/** `tollgate check` and `tollgate compile`: exit codes, output streams, atomic plan writes. */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCommand } from "../../compiler/commands/check.js";
import { compileCommand } from "../../compiler/commands/compile.js";
import { Plan } from "../../schemas/plan/plan.js";
import { useCapturedIo } from "../support/captured-io.js";

const CLEAN = `apiVersion: tollgate/v1
providers: [{ name: p, kind: openai-compatible, baseUrl: "https://p.example.com/v1" }]
models: [{ name: m, targets: [{ provider: p }] }]
consumers: [{ name: c, keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }] }]
`;
const WARNING = CLEAN.replace(/consumers:.*\n/, "");
const ERROR = CLEAN.replace("provider: p", "provider: q");

const io = useCapturedIo("tollgate-cmd-");

function policy(text: string, name = "gateway.yaml"): string {
  const path = join(io.dir, name);
  writeFileSync(path, text);
  return path;
}

describe("check", () => {
  it("exits 0 on a clean policy, 1 on errors", async () => {
    expect(await checkCommand([policy(CLEAN)], { format: "human" })).toBe(0);
    expect(io.err).toContain("0 errors, 0 warnings");
    expect(await checkCommand([policy(ERROR)], { format: "human" })).toBe(1);
    expect(io.err).toMatch(/gateway\.yaml:3:\d+: error TG2001: .*unknown provider `q`/);
  });

  it("allows warnings unless --strict", async () => {
    const path = policy(WARNING);
    expect(await checkCommand([path], { format: "human" })).toBe(0);
    expect(await checkCommand([path], { format: "human", strict: true })).toBe(1);
  });

  it("prints SARIF for code scanning on stdout, with a rule per code and a result per diagnostic", async () => {
    const path = policy(ERROR);
    expect(await checkCommand([path], { format: "sarif" })).toBe(1);
    const sarif = JSON.parse(io.out) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; defaultConfiguration: { level: string } }[] } };
        results: Record<string, unknown>[];
        properties?: { worstCase?: unknown };
      }[];
    };
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0]!;
    expect(run.tool.driver.name).toBe("tollgate");
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(["TG2001"]);
    expect(run.results[0]).toMatchObject({
      ruleId: "TG2001",
      level: "error",
      locations: [{ physicalLocation: { artifactLocation: { uri: expect.stringMatching(/^file:\/\/.*gateway\.yaml$/) }, region: { startLine: 3 } } }],
    });
    io.out = "";
    expect(await checkCommand([policy(CLEAN)], { format: "sarif" })).toBe(0);
    const clean = JSON.parse(io.out) as { runs: { results: unknown[]; properties: { worstCase: unknown[] } }[] };
    expect(clean.runs[0]!.results).toEqual([]);
    expect(clean.runs[0]!.properties.worstCase).toHaveLength(1);
  });

  it("prints JSON and GitHub annotations on stdout", async () => {
    const path = policy(ERROR);
    expect(await checkCommand([path], { format: "json" })).toBe(1);
    const json = JSON.parse(io.out) as { diagnostics: { code: string; line: number }[]; errors: number; warnings: number };
    expect(json.errors).toBe(1);
    expect(json.diagnostics[0]).toMatchObject({ code: "TG2001", line: 3 });
    io.out = "";
    expect(await checkCommand([path], { format: "github" })).toBe(1);
    expect(io.out).toMatch(/^::error file=.*gateway\.yaml,line=3,col=\d+,endLine=3,endColumn=\d+,title=TG2001::/);
  });

  it("exits 2 on usage errors", async () => {
    expect(await checkCommand([join(io.dir, "missing.yaml")], { format: "human" })).toBe(2);
    expect(io.err).toContain("no such file or directory");
    expect(await checkCommand([io.dir], { format: "human" })).toBe(2);
    expect(io.err).toContain("no policy files");
    expect(await checkCommand([policy(CLEAN)], { format: "xml" })).toBe(2);
    expect(io.err).toContain("unknown --format");
  });

  it("merges a directory's files in sorted order, recursively", async () => {
    policy(`apiVersion: tollgate/v1\nconsumers: [{ name: c, keys: [{ sha256: ${"a".repeat(64)} }] }]\n`, "b.yml");
    policy(CLEAN.replace(/consumers:.*\n/, ""), "a.yaml");
    expect(await checkCommand([io.dir], { format: "human" })).toBe(0);
  });
});

describe("compile", () => {
  it("writes the plan atomically and prints a one-line summary", async () => {
    const target = join(io.dir, "plan.json");
    expect(await compileCommand([policy(CLEAN)], { out: target, format: "human" })).toBe(0);
    const plan = Plan.parse(JSON.parse(readFileSync(target, "utf8")));
    expect(io.out.trim()).toBe(`wrote ${target} ${plan.hash} (1 upstream, 1 target, 1 model, 1 route, 1 consumer)`);
    expect(readdirSync(io.dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("writes nothing on errors, or on warnings with --strict", async () => {
    const target = join(io.dir, "plan.json");
    expect(await compileCommand([policy(ERROR)], { out: target, format: "human" })).toBe(1);
    expect(await compileCommand([policy(WARNING)], { out: target, format: "human", strict: true })).toBe(1);
    expect(readdirSync(io.dir)).toEqual(["gateway.yaml"]);
  });

  it("keeps stdout machine-readable in the json format", async () => {
    const target = join(io.dir, "plan.json");
    expect(await compileCommand([policy(CLEAN)], { out: target, format: "json" })).toBe(0);
    expect(JSON.parse(io.out)).toEqual({ diagnostics: [], errors: 0, warnings: 0 });
    expect(io.err).toContain("wrote ");
  });

  it("creates the plan's missing folders", async () => {
    const target = join(io.dir, "deploy", "prod", "plan.json");
    expect(await compileCommand([policy(CLEAN)], { out: target, format: "human" })).toBe(0);
    expect(readdirSync(join(io.dir, "deploy", "prod")).sort()).toEqual(["plan.json", "plan.sourcemap.json"]);
  });

  it("exits 2 (an input/output problem, not the policy's) when the plan cannot be written", async () => {
    const blocker = policy("not a folder", "blocker");
    expect(await compileCommand([policy(CLEAN)], { out: join(blocker, "plan.json"), format: "human" })).toBe(2);
    expect(io.err).toContain(`cannot write ${join(blocker, "plan.json")}: a file is in the way of its folder`);
    expect(await compileCommand([policy(CLEAN)], { out: io.dir, format: "human" })).toBe(2);
  });
});
