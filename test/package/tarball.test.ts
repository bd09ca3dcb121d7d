/**
 * Tollgate as a package: `npm pack` makes a tarball with the built CLI, the types and
 * the JSON Schemas (and no tests, sources or fixtures), and that tarball installed into
 * an empty folder, as a user would, gives a working `npx tollgate --version`, `check`,
 * `compile` and `serve`, a `$schema` line that resolves inside node_modules, and the
 * policy types for TypeScript authors.
 *
 * The dependencies come from npm's cache (`npm ci` filled it), so this needs no network
 * once the repository's own install ran. The tarball is packed from the dist/ that
 * `npm test` built (`--ignore-scripts`: the package's `prepack` would rebuild dist/
 * under the other suites' feet); `prepack` itself is checked to be that build.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { Ajv } from "ajv";
import OpenAI from "openai";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { REPO_ROOT } from "../support/repo-paths.js";

const run = promisify(execFile);
const KEY = "tg-tarball-key";
const KEY_SHA256 = createHash("sha256").update(KEY).digest("hex");

interface Packed {
  filename: string;
  files: { path: string }[];
}

let dir: string;
let app: string;
let packed: Packed;
let mock: MockUpstream;

/** `npx tollgate …` in the app folder: the installed package's bin, never the registry. */
function tollgate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run("npx", ["--no", "--", "tollgate", ...args], { cwd: app, env: { ...process.env, NO_COLOR: "1" } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

function policy(mockPort: number, schemaLine: string): string {
  return `${schemaLine}
apiVersion: tollgate/v1
listener: { shutdown: { grace: 50ms, deadline: 2s } }
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "http://127.0.0.1:${mockPort}/v1", timeouts: { firstByte: 5s } }
models:
  - { name: chat, targets: [{ provider: mock, model: echo }] }
consumers:
  - { name: app, keys: [{ sha256: ${KEY_SHA256} }] }
`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tollgate-tarball-"));
  const out = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
  packed = (JSON.parse(out.stdout) as Packed[])[0]!;
  app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "tarball-user", private: true, type: "module" }));
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(dir, packed.filename)], { cwd: app, maxBuffer: 64 * 1024 * 1024 });
  mock = await startMockUpstream({ port: 0 });
}, 300_000);

afterAll(async () => {
  await mock?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("npm pack", () => {
  it("holds the built CLI, the types and the JSON Schemas, and no tests, sources, source maps or fixtures", () => {
    const paths = new Set(packed.files.map((f) => f.path));
    for (const f of ["bin/tollgate.js", "dist/cli/main.js", "dist/schemas/index.d.ts", "dist/runtime/gateway.js", "schemas/generated/policy.schema.json", "LICENSE", "NOTICE"]) {
      expect(paths.has(f), f).toBe(true);
    }
    const unwanted = [...paths].filter((p) => /\.test\.|\.map$|^test\/|^(cli|compiler|runtime|tools)\/|\.ts$(?<!\.d\.ts$)/.test(p));
    expect(unwanted).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepack).toMatch(/npm run build/);
  });
});

describe("the tarball installed into an empty folder", () => {
  it("npx tollgate --version prints the package version", async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    const r = await tollgate(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it("the documented $schema line resolves to the installed JSON Schema, which accepts the policy and flags a bare duration", () => {
    const line = "# yaml-language-server: $schema=./node_modules/tollgate/schemas/generated/policy.schema.json";
    writeFileSync(join(app, "gateway.yaml"), policy(mock.port, line));
    const schemaFile = resolve(app, line.slice(line.indexOf("=") + 1));
    expect(existsSync(schemaFile)).toBe(true);
    const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(schemaFile, "utf8")) as object);
    const doc = parse(readFileSync(join(app, "gateway.yaml"), "utf8")) as Record<string, unknown>;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...doc, listener: { shutdown: { grace: 5000 } } })).toBe(false);
    // The same file through the package's exports, for tools that resolve modules.
    expect(existsSync(join(dirname(schemaFile), "plan.schema.json"))).toBe(true);
  });

  it("npx tollgate check and compile work on a policy of the folder", async () => {
    const check = await tollgate(["check", "gateway.yaml"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout + check.stderr).toContain("0 errors");
    const compile = await tollgate(["compile", "gateway.yaml", "-o", "plan.json"]);
    expect(compile.code, compile.stdout + compile.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(app, "plan.json"), "utf8"))).toHaveProperty("hash");
  });

  it('gives TypeScript policy authors the types: `import … from "tollgate"` type-checks, and a typo is a type error', async () => {
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "ES2023", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, types: [] }, include: ["*.ts"] }),
    );
    const source = (provider: string): string => `import { defineGateway } from "tollgate";
export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [{ name: "mock", kind: "openai-compatible", baseUrl: "http://127.0.0.1:${mock.port}/v1" }],
  models: [{ name: "chat", targets: [{ provider: "${provider}", model: "echo" }] }],
  consumers: [{ name: "app", keys: [{ sha256: "${KEY_SHA256}" }] }],
});
`;
    const tsc = ["node_modules/typescript/bin/tsc", "-p", "."];
    writeFileSync(join(app, "gateway.ts"), source("mock"));
    await expect(run(process.execPath, tsc, { cwd: app })).resolves.toBeDefined();
    expect((await tollgate(["check", "gateway.ts"])).code).toBe(0);
    writeFileSync(join(app, "gateway.ts"), source("mokc"));
    const typo = await run(process.execPath, tsc, { cwd: app }).then(
      () => "",
      (e: { stdout: string }) => e.stdout,
    );
    expect(typo).toMatch(/gateway\.ts\(5,\d+\): error TS2322: Type '"mokc"' is not assignable to type '"mock"'/);
    rmSync(join(app, "gateway.ts"));
  }, 120_000);

  it("npx tollgate serve serves the compiled plan: a chat completion through the mock, then a graceful stop on SIGTERM", async () => {
    const serving = await serve(["serve", "--plan", "plan.json", "--port", "0", "--workers", "1"]);
    try {
      const client = new OpenAI({ baseURL: `${serving.url}/v1`, apiKey: KEY, maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "Hello" }] });
      expect(answer.choices[0]?.message.content).toMatch(/mock/);
    } finally {
      const log = await serving.stop();
      expect(log).toContain("draining: no longer accepting connections");
      expect(log).not.toMatch(/"level":"error"|\n\s+at /);
    }
  });
});

/**
 * Starts `npx tollgate serve …` in the app folder, in a process group of its own;
 * resolves once it names its URL. npx (npm 11) does not pass SIGTERM on to the command,
 * so `stop` signals the whole group, as a supervisor stopping a container would, and
 * resolves with everything the gateway logged once the last process of the group is gone.
 */
function serve(args: string[]): Promise<{ url: string; stop: () => Promise<string> }> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = spawn("npx", ["--no", "--", "tollgate", ...args], { cwd: app, stdio: ["ignore", "ignore", "pipe"], detached: true });
    let err = "";
    const closed = new Promise<string>((done) => child.stderr!.once("close", () => done(err)));
    const timer = setTimeout(() => reject(new Error(`no URL in 30 s:\n${err}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = / on (http:\/\/[^\s]+) \(/.exec(err);
      if (m === null) return;
      clearTimeout(timer);
      resolvePromise({
        url: m[1]!,
        stop: () => {
          process.kill(-child.pid!, "SIGTERM");
          return closed;
        },
      });
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before serving:\n${err}`)));
  });
}
