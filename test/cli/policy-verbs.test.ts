/**
 * The GitOps verbs as a user runs them: the built CLI (`npm test` builds dist/ first),
 * exit codes, and the printed output (snapshots; temporary paths and hashes masked).
 * Usage errors (exit 2) are tested in process, in test/compiler/verbs.test.ts.
 * Also: `import … from "tollgate"` in a TypeScript policy type-checks against dist/.
 * Tests run concurrently (each spawns processes), hence the per-test `expect`.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import { REPO_ROOT } from "../support/repo-paths.js";
import { CLI } from "../support/spawn-cli.js";

const tmp = mkdtempSync(join(tmpdir(), "tollgate-verbs-"));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function tollgate(args: string[], cwd = REPO_ROOT): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("exit", (code) => done({ code, stdout, stderr }));
  });
}

/** Output with the temporary directory and plan hashes masked, for snapshots. */
function masked(text: string): string {
  return text
    .split(tmp)
    .join("<tmp>")
    .replace(/sha256:[0-9a-f]{12,64}/g, "sha256:<hash>");
}

const write = (name: string, text: string): string => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};

/** examples/typescript compiled once: TypeScript checking costs ~1 s per process. */
const tsPlan = join(tmp, "ts-plan.json");
let compiled: Run;
beforeAll(async () => {
  compiled = await tollgate(["compile", "examples/typescript", "-o", tsPlan]);
});

describe.concurrent("check on a duration written as a bare number", () => {
  it("refuses it with the fix (TG1032, exit 1); TypeScript alike: test/compiler/cases/bare-duration-ts", async ({ expect }) => {
    const run = await tollgate(["check", "test/compiler/cases/bare-duration"]);
    expect(run.code).toBe(1);
    const out = run.stdout + run.stderr;
    expect(out).toContain("policy.yaml:12:18: error TG1032: `timeouts.firstByte` of provider `openai` is the bare number 30; a duration needs its unit");
    expect(out).toContain("write `30s` for 30 seconds, or `30ms` for 30 milliseconds");
  });
});

describe.concurrent("compile with TypeScript and a source map", () => {
  it("compiles examples/typescript, writes plan.sourcemap.json beside the plan, byte-identical twice", async ({ expect }) => {
    expect(compiled.code, compiled.stderr).toBe(0);
    const plan = readFileSync(tsPlan, "utf8");
    const map = JSON.parse(readFileSync(join(tmp, "ts-plan.sourcemap.json"), "utf8")) as { plan: string; mappings: Record<string, { file: string }> };
    expect(map.plan).toBe((JSON.parse(plan) as { hash: string }).hash);
    expect(map.mappings["/models/0"]?.file).toBe("examples/typescript/gateway.ts");
    expect(plan).not.toContain("gateway.ts");
    expect((await tollgate(["compile", "examples/typescript", "-o", join(tmp, "ts-plan-2.json")])).code).toBe(0);
    expect(readFileSync(join(tmp, "ts-plan-2.json"), "utf8")).toBe(plan);
  });

  it("reports a typo'd provider in TypeScript as a type error at file:line:col (types from dist/)", async ({ expect }) => {
    const run = await tollgate(["check", "test/compiler/cases/ts-type-error"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('policy.ts:9:40: error TG1101: TS2820: Type \'"opneai"\' is not assignable to type \'"openai" | "vllm"\'. Did you mean \'"openai"\'?');
  });

  it('resolves `import … from "tollgate"` from examples/ through the package exports', ({ expect }) => {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", 'import { defineGateway } from "tollgate"; console.log(typeof defineGateway)'], {
      cwd: join(REPO_ROOT, "examples/typescript"),
      encoding: "utf8",
    });
    expect(out.trim()).toBe("function");
  });
});

describe.concurrent("tollgate explain", () => {
  const request = write("request.json", JSON.stringify({ model: "gpt-4o-2024-08-06", messages: [{ role: "user", content: "Hello" }] }));

  it("shows the decision path with policy lines, exit 0 when served", async ({ expect }) => {
    const run = await tollgate(["explain", "--plan", tsPlan, "--request", request, "--key", "team-search-key"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain("team-search-key");
    expect(masked(run.stdout)).toMatchSnapshot();
  });

  it("stops at the refusal, exit 1, and works from policy paths too", async ({ expect }) => {
    const gpt4o = write("gpt-4o.json", JSON.stringify({ model: "gpt-4o" }));
    const run = await tollgate(["explain", "--policy", "examples/multi-provider-fallback", "--request", gpt4o, "--consumer", "support-bot", "--format", "json"]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as { outcome: string; status: number; steps: { step: string; at: string | null }[] };
    expect(json).toMatchObject({ outcome: "rejected", status: 403 });
    expect(json.steps.map((s) => s.step)).toEqual(["auth", "route", "model", "access"]);
    expect(json.steps[1]?.at).toMatch(/^examples\/multi-provider-fallback\/gateway\.yaml:\d+:\d+$/);
  });
});

describe.concurrent("tollgate test", () => {
  it("passes the example's tests, exit 0", async ({ expect }) => {
    const run = await tollgate(["test", "examples/typescript"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatchSnapshot();
  });

  it("lists failures with reasons and locations, exit 1", async ({ expect }) => {
    const run = await tollgate(["test", "test/compiler/cases/tests-failing"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatchSnapshot();
  });

  it("fails compile too when a test fails, and writes no plan", async ({ expect }) => {
    const run = await tollgate(["compile", "test/compiler/cases/tests-failing", "-o", join(tmp, "never.json")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error TG4001");
  });
});

describe.concurrent("tollgate diff", () => {
  const before = write("before.yaml", readFileSync(join(REPO_ROOT, "examples/multi-provider-fallback/gateway.yaml"), "utf8"));
  const after = write(
    "after.yaml",
    readFileSync(before, "utf8")
      .replace("weight: 3 }", "weight: 2 }")
      .replace("timeouts: { firstByte: 30s }", "timeouts: { firstByte: 10s }")
      .replace("    models: [chat]", "    models: [chat, gpt-4o]"),
  );

  it("reports behaviour changes, security-relevant ones first (exit 3), as text and as Markdown", async ({ expect }) => {
    const text = await tollgate(["diff", before, after]);
    expect(text.code).toBe(3);
    expect(masked(text.stdout)).toMatchSnapshot();
    const markdown = await tollgate(["diff", before, after, "--format", "markdown"]);
    expect(markdown.code).toBe(3);
    expect(masked(markdown.stdout)).toMatchSnapshot();
    // Only the weights: a change, nothing security-relevant (exit 1); --fail-on security lets it pass.
    const weights = write("weights.yaml", readFileSync(before, "utf8").replace("weight: 3 }", "weight: 2 }"));
    expect((await tollgate(["diff", before, weights])).code).toBe(1);
    expect((await tollgate(["diff", before, weights, "--fail-on", "security"])).code).toBe(0);
    expect((await tollgate(["diff", before, after, "--fail-on", "never"])).code).toBe(0);
  });

  it("exits 0 when only the text changed, and compares plan files too", async ({ expect }) => {
    const reformatted = write("reformatted.yaml", readFileSync(before, "utf8").replace(/#.*$/gm, "").replace(/\n\n+/g, "\n"));
    expect((await tollgate(["diff", before, reformatted])).code).toBe(0);
    const plan = join(tmp, "before-plan.json");
    expect((await tollgate(["compile", before, "-o", plan])).code).toBe(0);
    expect((await tollgate(["diff", plan, after])).code).toBe(3);
  });

  it("compares with a git ref (--base)", async ({ expect }) => {
    const repo = mkdtempSync(join(tmpdir(), "tollgate-git-"));
    const git = (...args: string[]): string => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo, encoding: "utf8" });
    git("init", "-q");
    writeFileSync(join(repo, "gateway.yaml"), readFileSync(before, "utf8"));
    git("add", ".");
    git("commit", "-qm", "policy");
    expect((await tollgate(["diff", "--base", "HEAD", "gateway.yaml"], repo)).code).toBe(0);
    writeFileSync(join(repo, "gateway.yaml"), readFileSync(after, "utf8"));
    const run = await tollgate(["diff", "--base", "HEAD", "gateway.yaml", "--format", "json"], repo);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout) as { changes: number; securityRelevant: number }).toMatchObject({ changes: 3, securityRelevant: 1 });
  });
});

describe.concurrent("tollgate simulate", () => {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const who = i % 10 === 0 ? { key: "not-a-key" } : i % 2 === 0 ? { key: "team-support-key" } : { consumer: "search" };
    const model = i % 5 === 0 ? "gpt-4o" : "chat";
    lines.push(JSON.stringify({ model, ...who, messages: [{ role: "user", content: "Summarise the incident for the on-call engineer." }], max_tokens: 200 }));
  }
  const trace = write("trace.jsonl", lines.join("\n") + "\n");

  it("reports shares, rejections, fallbacks and tokens; the same for the same seed", async ({ expect }) => {
    const args = ["simulate", "--plan", tsPlan, "--trace", trace, "--fail", "vllm=0.3", "--seed", "7"];
    const run = await tollgate(args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain("team-support-key");
    expect(masked(run.stdout)).toMatchSnapshot();
    expect((await tollgate(args)).stdout).toBe(run.stdout);
  });
});
