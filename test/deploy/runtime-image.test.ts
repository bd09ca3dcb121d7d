/**
 * What the container image copies, laid out here as its build stage does it
 * (`node scripts/runtime-image.mjs <dir>`, Docker cannot run on this machine): only the
 * files and dependencies `serve` loads, one native uWS binary for this Node and platform
 * (or none, where none loads), no compiler, no devDependencies; and that layout serves a
 * plan, with worker threads, while the compiler's verbs say they are not there.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { UWS_LOADS } from "../support/listeners.js";
import { REPO_ROOT } from "../support/repo-paths.js";
import { runCli, startServing } from "../support/spawn-cli.js";

const run = promisify(execFile);
const KEY = "tg-image-key";
/** A ceiling on the runtime's node_modules, so that nothing heavy creeps back in (measured: docs/operations.md). */
const MAX_NODE_MODULES_MIB = 64;

let dir: string;
let image: string;
let planFile: string;
let mock: MockUpstream;
let report: string;

function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(root, e.name)) : [join(root, e.name)]));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tollgate-image-layout-"));
  image = join(dir, "app");
  report = (await run(process.execPath, [join(REPO_ROOT, "scripts/runtime-image.mjs"), image], { cwd: REPO_ROOT })).stdout;
  mock = await startMockUpstream({ port: 0 });
  writeFileSync(
    join(dir, "gateway.yaml"),
    `apiVersion: tollgate/v1
listener: { shutdown: { grace: 50ms, deadline: 2s } }
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "http://127.0.0.1:${mock.port}/v1" }
models:
  - { name: chat, targets: [{ provider: mock, model: echo }] }
consumers:
  - { name: app, keys: [{ sha256: ${createHash("sha256").update(KEY).digest("hex")} }] }
`,
  );
  planFile = join(dir, "plan.json");
  const compiled = await runCli(["compile", join(dir, "gateway.yaml"), "-o", planFile]);
  expect(compiled.code, compiled.stderr).toBe(0);
}, 240_000);

afterAll(async () => {
  await mock?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("the image's runtime layout", () => {
  it("holds the runtime's dependencies only: no compiler, no devDependencies, no hnswlib-node", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const shipped = JSON.parse(readFileSync(join(image, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies?: unknown };
    expect(shipped.devDependencies).toBeUndefined();
    for (const [name, version] of Object.entries(shipped.dependencies)) expect(pkg.dependencies[name], name).toBe(version);
    for (const absent of ["typescript", "zod", "yaml", "recheck", "@babel/code-frame", "hnswlib-node", ...Object.keys(pkg.devDependencies)]) {
      expect(existsSync(join(image, "node_modules", absent)), absent).toBe(false);
    }
    expect(existsSync(join(image, "dist/compiler/index.js"))).toBe(false);
    expect(existsSync(join(image, "dist/runtime/workers/worker-entry.js"))).toBe(true);
    expect(filesUnder(join(image, "dist")).filter((f) => !f.endsWith(".js"))).toEqual([]);
  });

  it("carries one native uWS binary, for this platform and Node version, where one loads (none where none does), and no other platform's", () => {
    const native = filesUnder(join(image, "node_modules")).filter((f) => f.endsWith(".node"));
    const uws = native.filter((f) => /\/uws_[^/]+\.node$/.test(f));
    expect(uws.map((f) => f.slice(f.lastIndexOf("/") + 1))).toEqual(UWS_LOADS ? [`uws_${process.platform}_${process.arch}_${process.versions.modules}.node`] : []);
    for (const f of native) expect(f, "a binary for another platform").not.toMatch(/darwin|win32|arm64|musl/);
    expect(report).toMatch(UWS_LOADS ? /uWebSockets\.js: @/ : /uWebSockets\.js: none loads here: node:http/);
  });

  it(`keeps node_modules under ${MAX_NODE_MODULES_MIB} MiB`, () => {
    const bytes = filesUnder(join(image, "node_modules")).reduce((n, f) => n + statSync(f).size, 0);
    expect(bytes / 1048576).toBeLessThan(MAX_NODE_MODULES_MIB);
  });

  it("serves a plan with worker threads: a chat completion, the probes, and a graceful stop", async () => {
    const serving = await startServing(["serve", "--plan", planFile, "--port", "0", "--workers", "2"], {}, join(image, "bin/tollgate.js"), 50_000);
    try {
      const client = new OpenAI({ baseURL: `${serving.url}/v1`, apiKey: KEY, maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "Hello" }] });
      expect(answer.choices[0]?.message.content).toMatch(/mock/);
      expect((await fetch(`${serving.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await serving.stop()).toBe(0);
    }
  });

  it("says the policy compiler is not in it, and where to run it, for check, compile and serve --policy", async () => {
    const cli = join(image, "bin/tollgate.js");
    for (const args of [
      ["check", join(dir, "gateway.yaml")],
      ["compile", join(dir, "gateway.yaml"), "-o", join(dir, "x.json")],
      ["serve", "--policy", dir],
    ]) {
      const out = await run(process.execPath, [cli, ...args]).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(out.code, args[0]).toBe(1);
      expect(out.stderr).toContain("needs the policy compiler, which this installation leaves out");
      expect(out.stderr).toContain("tollgate serve --plan");
    }
    expect((await run(process.execPath, [cli, "--version"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
