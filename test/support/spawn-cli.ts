/** Runs the built `tollgate` binary (dist/, built by `npm test` first) as a user would. */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { REPO_ROOT } from "./repo-paths.js";

export const CLI = resolve(REPO_ROOT, "bin/tollgate.js");

export interface Running {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running command and resolves once its stderr names the URL it serves on. */
export function startServing(args: string[], env: NodeJS.ProcessEnv = {}, script = CLI, timeoutMs = 15_000): Promise<Running> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    const timer = setTimeout(() => reject(new Error(`no URL within ${timeoutMs / 1000} s; stderr:\n${err}`)), timeoutMs);
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = / on (http:\/\/[^\s]+) \(/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolvePromise({
          child,
          url: m[1]!,
          stderr: () => err,
          stop: () =>
            new Promise((done) => {
              child.once("exit", (code) => done(code));
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before serving; stderr:\n${err}`));
    });
  });
}

/** Runs a command to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("exit", (code) => done({ code, stdout, stderr }));
  });
}
