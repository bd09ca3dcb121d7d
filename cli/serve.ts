/**
 * `tollgate serve`: serves a compiled plan (production) or compiles policy files in
 * memory first (development). Stops cleanly on SIGINT/SIGTERM.
 */
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { Plan } from "../schemas/plan/plan.js";
import { startGateway, type Gateway } from "../runtime/gateway.js";
import { parseTrustedPlan } from "../schemas/plan/trusted-plan.js";
import type { CompileReply, CompileRequest } from "./compile-worker.js";
import { compilerAbsent } from "./compiler-absent.js";
import { SERVER_CHOICES, type ServerChoice } from "../runtime/server/choose-listener.js";
import { loadUws } from "../runtime/server/load-uws.js";
import { startWorkerGateway } from "../runtime/workers/start-workers.js";
import { usableCpus } from "../runtime/workers/usable-cpus.js";

export interface ServeOptions {
  plan?: string;
  policy?: string[];
  host: string;
  port: string;
  server: string;
  adminPort?: string;
  sharePort?: boolean;
  workers?: string;
}

/**
 * Compiles policy paths in a worker thread (see compile-worker.ts); prints the
 * diagnostics; null when there are errors. Throws on a usage problem.
 */
export function compileInMemory(paths: string[]): Promise<Plan | null> {
  // The container image carries no compiler (scripts/runtime-image.mjs): say so, and where to compile.
  if (!existsSync(new URL("../compiler/index.js", import.meta.url))) throw compilerAbsent("serve --policy");
  return inWorker({ paths, color: process.stderr.isTTY === true }, "compiled policy");
}

/** Reads and validates a plan file in a worker thread (see compile-worker.ts). Throws when it cannot be served. */
export async function loadPlanOffThread(file: string): Promise<Plan> {
  return (await inWorker({ planFile: file }, file))!;
}

async function inWorker(request: CompileRequest, source: string): Promise<Plan | null> {
  const worker = new Worker(new URL("./compile-worker.js", import.meta.url), { workerData: request });
  const reply = await new Promise<CompileReply>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the policy compiler stopped (exit code ${code})`)));
  });
  await worker.terminate();
  if (reply.error !== null) throw new Error(reply.error);
  if (reply.report) process.stderr.write(reply.report);
  return reply.planJson === null ? null : parseTrustedPlan(reply.planJson, source);
}

/** A `--server` / `TOLLGATE_SERVER` value, or null when it is none of auto, uws, node. */
export function parseServerChoice(value: string): ServerChoice | null {
  return (SERVER_CHOICES as readonly string[]).includes(value) ? (value as ServerChoice) : null;
}

export async function serveCommand(opts: ServeOptions): Promise<number> {
  const server = parseServerChoice(opts.server);
  if (server === null) return usage(`--server must be auto, uws or node, not ${opts.server}`);
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port must be a port number, not ${opts.port}`);
  if ((opts.plan === undefined) === (opts.policy === undefined)) return usage("give exactly one of --plan <file> or --policy <paths…>");
  const adminPort = opts.adminPort === undefined ? undefined : Number(opts.adminPort);
  if (adminPort !== undefined && (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65535)) {
    return usage(`--admin-port must be a port number, not ${opts.adminPort}`);
  }
  const cpus = opts.workers === undefined ? usableCpus() : null;
  const workers = cpus !== null ? cpus.count : Number(opts.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) return usage(`--workers must be a whole number from 1 to 256, not ${opts.workers}`);
  if (server === "uws") {
    // Asked for by name: refuse now, saying why, rather than from inside a worker thread.
    try {
      loadUws();
    } catch (err) {
      process.stderr.write(`tollgate serve: --server uws: ${(err as Error).message}\n`);
      return 1;
    }
  }
  const plan = opts.plan !== undefined ? await loadPlanOffThread(opts.plan) : await compileInMemory(opts.policy!);
  if (plan === null) return 1;
  let fatal: string | null = null;
  let stopNow: (() => void) | null = null;
  const settings = { plan, host: opts.host, port, server, planFile: opts.plan, adminPort, sharePort: opts.sharePort === true };
  if (cpus !== null) process.stderr.write(`tollgate serve: ${workers} worker${workers === 1 ? "" : "s"} (${cpus.why}; --workers N to choose)\n`);
  let gateway: Gateway;
  try {
    // --workers 1 is the single-thread gateway (no worker threads at all).
    gateway =
      workers === 1
        ? await startGateway(settings)
        : await startWorkerGateway({
            ...settings,
            workers,
            onFatal: (error) => {
              fatal = error;
              stopNow?.();
            },
          });
  } catch (err) {
    // A port in use, an unset secret, a bad certificate: the operator's to fix, said plainly.
    process.stderr.write(`tollgate serve: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  // Signal handlers first: whoever reads the line below may send SIGTERM at once.
  const stopped = untilSignal(gateway, undefined, (stop) => (stopNow = stop));
  if (gateway.adminUrl !== null) process.stderr.write(`tollgate admin listener on ${gateway.adminUrl}\n`);
  process.stderr.write(`tollgate serving plan ${plan.hash.slice(0, 19)}… on ${gateway.url} (${gateway.listener.kind})\n`);
  await stopped;
  if (fatal !== null) {
    process.stderr.write(`tollgate: stopped because ${fatal}\n`);
    return 1;
  }
  return 0;
}

function usage(message: string): number {
  process.stderr.write(`tollgate serve: ${message}\n`);
  return 2;
}

/**
 * Resolves once the gateway has stopped: SIGTERM drains gracefully (readiness off,
 * grace, in-flight requests up to the policy's deadline), SIGINT closes at once (a
 * developer's Ctrl-C), and SIGHUP reloads the plan file.
 */
export function untilSignal(
  gateway: Pick<Gateway, "reload" | "shutdown" | "close">,
  onStop?: () => Promise<void>,
  /** Receives a function that stops the gateway gracefully, as SIGTERM does. */
  expose?: (stop: () => void) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const hangup = (): void => {
      gateway.reload("SIGHUP").catch((err: unknown) => process.stderr.write(`tollgate: SIGHUP: ${err instanceof Error ? err.message : String(err)}\n`));
    };
    const stop = (graceful: boolean): void => {
      process.off("SIGINT", interrupt);
      process.off("SIGTERM", terminate);
      process.off("SIGHUP", hangup);
      void (graceful ? gateway.shutdown() : gateway.close()).then(() => onStop?.()).finally(resolve);
    };
    const interrupt = (): void => stop(false);
    const terminate = (): void => stop(true);
    expose?.(terminate);
    process.on("SIGINT", interrupt);
    process.on("SIGTERM", terminate);
    process.on("SIGHUP", hangup);
  });
}
