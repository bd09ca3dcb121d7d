/**
 * What `tollgate serve` decides for the operator at start, run as real processes: a
 * port already in use is refused (unless `--share-port` asks to share it), the listener
 * is node:http unless uWS is asked for (the one safe to expose directly), an explicit
 * `--server uws` that cannot load refuses, and the worker count defaults to
 * the CPUs the process may use.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeHasReusePort } from "../../runtime/server/port-in-use.js";
import { usableCpus } from "../../runtime/workers/usable-cpus.js";
import { LISTENERS, UWS_LOADS } from "../support/listeners.js";
import { runCli, startServing, type Running } from "../support/spawn-cli.js";

const FALLBACK_NOTE = "no native uWebSockets.js build loads";
/** A gateway with a short drain, so that each stop takes a moment, not the default 5 s grace. */
const POLICY = `apiVersion: tollgate/v1
listener: { shutdown: { grace: 50ms, deadline: 1s } }
providers:
  - { name: up, kind: openai-compatible, baseUrl: "http://127.0.0.1:9/v1" }
models:
  - { name: m, targets: [{ provider: up }] }
consumers:
  - { name: c, keys: [{ sha256: "${"a".repeat(64)}" }] }
`;
let dir: string;
let planFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tollgate-refusals-"));
  planFile = join(dir, "plan.json");
  writeFileSync(join(dir, "gateway.yaml"), POLICY);
  const compiled = await runCli(["compile", join(dir, "gateway.yaml"), "-o", planFile]);
  expect(compiled.code, compiled.stderr).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const portOf = (r: Running): string => new URL(r.url).port;

async function readyz(r: Running): Promise<number> {
  return (await fetch(`${r.url}/readyz`)).status;
}

describe.each(LISTENERS)("a port already in use (%s listener)", (server) => {
  it.each(["1", "2"])("is refused with --workers %s: exit 1, `port N is in use`, no stack; the first gateway keeps serving", async (workers) => {
    const first = await startServing(["serve", "--plan", planFile, "--port", "0", "--server", server, "--workers", "1"]);
    try {
      const port = portOf(first);
      const second = await runCli(["serve", "--plan", planFile, "--port", port, "--server", server, "--workers", workers]);
      expect(second.code, second.stderr).toBe(1);
      expect(second.stderr).toContain(`tollgate serve: port ${port} is in use`);
      expect(second.stderr).toContain("--share-port");
      expect(second.stderr).not.toMatch(/\n\s+at /);
      expect(await readyz(first)).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });

  it("is shared on purpose with --share-port (SO_REUSEPORT), where this listener can", async () => {
    const args = ["serve", "--plan", planFile, "--server", server, "--workers", "1", "--share-port"];
    if (server === "node" && !nodeHasReusePort()) {
      const refused = await runCli([...args, "--port", "0"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`--share-port with the node:http listener needs Node 22.12 or newer (SO_REUSEPORT); this is Node ${process.version}`);
      return;
    }
    const first = await startServing([...args, "--port", "0"]);
    try {
      const port = portOf(first);
      const second = await startServing([...args, "--port", port]);
      expect(portOf(second)).toBe(port);
      expect(await readyz(second)).toBe(200);
      expect(await second.stop()).toBe(0);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });
});

describe("the listener and worker count serve chooses", () => {
  it("leaves --server out: node:http, the listener safe to expose directly, even where uWS loads, with no note", async () => {
    const running = await startServing(["serve", "--plan", planFile, "--port", "0", "--workers", "2"], { TOLLGATE_SERVER: "" });
    try {
      const stderr = running.stderr();
      expect(stderr).toMatch(/ \(node:http × 2 worker threads\)/);
      expect(stderr).not.toContain(FALLBACK_NOTE);
    } finally {
      expect(await running.stop()).toBe(0);
    }
  });

  it("--server uws is kept as asked: it serves where uWS loads and refuses, saying why, where it does not", async () => {
    if (UWS_LOADS) {
      const running = await startServing(["serve", "--plan", planFile, "--port", "0", "--server", "uws", "--workers", "1"]);
      expect(running.stderr()).toMatch(/ \(uws \(/);
      expect(await running.stop()).toBe(0);
      return;
    }
    const out = await runCli(["serve", "--plan", planFile, "--port", "0", "--server", "uws"]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`tollgate serve: --server uws: uWebSockets.js has no native build that loads on Node ${process.version}`);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it("defaults --workers to the CPUs the process may use, and says so", async () => {
    const cpus = usableCpus();
    const running = await startServing(["serve", "--plan", planFile, "--port", "0"], {}, undefined, 50_000);
    try {
      expect(running.stderr()).toContain(`tollgate serve: ${cpus.count} worker${cpus.count === 1 ? "" : "s"} (${cpus.why}; --workers N to choose)`);
    } finally {
      expect(await running.stop()).toBe(0);
    }
  });
});
