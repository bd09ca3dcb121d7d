/**
 * A real `redis-server` for tests, on a free loopback port, with no persistence.
 * `.ci/run` installs Debian's package when it is missing. `restart()` stops and starts
 * the same port again (for tests of behaviour across a Redis restart).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** The server's process id (tests stop and continue it: SIGSTOP, SIGCONT). */
  pid(): number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

function launch(port: number, extra: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...extra], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run redis-server (install Debian's redis-server package): ${err.message}`));
    });
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** `extra`: more redis-server options (e.g. `--appendonly yes --dir <tmp>` for a Redis that keeps its data across a restart). */
export async function startRedis(extra: readonly string[] = []): Promise<TestRedis> {
  const port = await freePort();
  let child = await launch(port, extra);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGCONT");
      child.kill("SIGKILL");
      await exited(child);
    },
    async restart() {
      child.kill("SIGKILL");
      await exited(child);
      child.kill("SIGCONT");
      child = await launch(port, extra);
    },
    pid: () => child.pid!,
  };
}
