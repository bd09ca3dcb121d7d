// @ts-check
/**
 * Every process the benchmark starts: pinned to a core, with a raised file-descriptor limit,
 * tracked so that all of them die with the benchmark (normal exit, error or Ctrl-C).
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** @typedef {import("node:child_process").ChildProcess} ChildProcess */

/** A started process, with the tail of its output for error messages. */
export class Child {
  /** @param {string} name @param {ChildProcess} proc */
  constructor(name, proc) {
    this.name = name;
    this.proc = proc;
    /** @type {number} */
    this.pid = proc.pid ?? -1;
    this.stdout = "";
    this.stderr = "";
    /** @type {number | null} */
    this.exitCode = null;
    this.exited = new Promise((resolve) => proc.once("exit", (code, signal) => resolve((this.exitCode = code ?? (signal ? 128 : 1)))));
    proc.stdout?.on("data", (d) => (this.stdout = tail(this.stdout + d)));
    proc.stderr?.on("data", (d) => (this.stderr = tail(this.stderr + d)));
  }

  get alive() {
    return this.exitCode === null;
  }

  /** The last line of stderr (or stdout), for "failed to start: …" messages. */
  lastWords() {
    const text = (this.stderr.trim() || this.stdout.trim()).split("\n").filter(Boolean);
    return text.at(-1)?.slice(0, 160) ?? `exited with code ${this.exitCode}`;
  }

  /** SIGTERM, then SIGKILL after a grace period. */
  async stop(graceMs = 3000) {
    if (!this.alive) return;
    this.proc.kill("SIGTERM");
    const killed = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!killed && this.alive) {
      this.proc.kill("SIGKILL");
      await this.exited;
    }
  }
}

/** @param {string} s */
const tail = (s) => (s.length > 8192 ? s.slice(-8192) : s);

/** @type {Set<Child>} */
const running = new Set();
const hasTaskset = spawnSync("taskset", ["-V"]).status === 0;
const cores = Number(spawnSync("nproc").stdout?.toString().trim()) || 1;

/** Whether processes can be pinned as the method requires (taskset and at least two cores). */
export const canPin = hasTaskset && cores >= 2;

/**
 * Starts `command` pinned to `core`, through bash so the fd limit can be raised first (the
 * slow-streams scenario holds ~6,000 sockets across three processes). `exec` keeps the pid,
 * so the pid we hold is the pinned process itself.
 * @param {string} name
 * @param {{ core: number, command: string, args: string[], env?: NodeJS.ProcessEnv, stdin?: boolean }} o
 * @returns {Child}
 */
export function startPinned(name, { core, command, args, env, stdin = false }) {
  const pin = canPin ? ["taskset", "-c", String(core)] : [];
  const script = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"';
  const proc = spawn("bash", ["-c", script, "bash", ...pin, command, ...args], {
    env: { ...process.env, ...env },
    stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  const child = new Child(name, proc);
  running.add(child);
  void child.exited.then(() => running.delete(child));
  return child;
}

/**
 * Starts a Node script unpinned (a gateway with several workers needs every core; a test
 * of many streams needs its peers to share them), killed with the benchmark.
 * @param {string} name @param {string[]} args the script and its arguments
 * @returns {Child}
 */
export function startNodeUnpinned(name, args) {
  const child = new Child(name, spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, OPENAI_API_KEY: "" } }));
  running.add(child);
  const kill = () => child.alive && child.proc.kill("SIGKILL");
  process.once("exit", kill);
  void child.exited.then(() => (running.delete(child), process.off("exit", kill)));
  return child;
}

/**
 * Resolves once `port` accepts connections; rejects when the child exits first or time runs out.
 * @param {Child} child @param {number} port @param {number} [timeoutMs]
 */
export async function waitForPort(child, port, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.alive) throw new Error(`${child.name} exited (${child.exitCode}): ${child.lastWords()}`);
    if (await canConnect(port)) return;
    await sleep(50);
  }
  throw new Error(`${child.name} did not listen on port ${port} within ${timeoutMs / 1000} s`);
}

/**
 * Throws when something already listens on `port`: waitForPort would otherwise mistake that
 * process (a stale mock, someone else's benchmark) for ours. @param {number} port
 */
export async function ensurePortFree(port) {
  if (await canConnect(port)) throw new Error(`port ${port} is already in use by another process`);
}

/** @param {number} port @returns {Promise<boolean>} */
function canConnect(port) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** Resident set size of a process in KiB (VmRSS), or NaN when it is gone. @param {number} pid */
export function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Kills every child synchronously: for process exit, where nothing can be awaited. */
export function killAllNow() {
  for (const child of running) if (child.alive) child.proc.kill("SIGKILL");
}

/** Stops every running child, politely. */
export async function stopAll() {
  await Promise.all([...running].map((c) => c.stop()));
}

/** Installs the handlers that take the children down with the benchmark. */
export function killChildrenOnExit() {
  process.once("exit", killAllNow);
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping children\n`);
      killAllNow();
      process.exit(130);
    });
  }
}
