/**
 * `tollgate serve`: serves a compiled plan (production) or compiles policy files in
 * memory first (development). Stops cleanly on SIGINT/SIGTERM.
 */
import { Worker } from "node:worker_threads";
import type { Plan } from "../schemas/plan/plan.js";
import { startGateway, type Gateway } from "../runtime/gateway.js";
import { loadPlanFile, parsePlan } from "../runtime/plan/load-plan.js";
import type { CompileReply } from "./compile-worker.js";
import type { ServerKind } from "../runtime/server/exchange.js";

export interface ServeOptions {
  plan?: string;
  policy?: string[];
  host: string;
  port: string;
  server: string;
  adminPort?: string;
}

/**
 * Compiles policy paths in a worker thread (see compile-worker.ts); prints the
 * diagnostics; null when there are errors. Throws on a usage problem.
 */
export async function compileInMemory(paths: string[]): Promise<Plan | null> {
  const worker = new Worker(new URL("./compile-worker.js", import.meta.url), { workerData: { paths, color: process.stderr.isTTY === true } });
  const reply = await new Promise<CompileReply>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the policy compiler stopped (exit code ${code})`)));
  });
  await worker.terminate();
  if (reply.error !== null) throw new Error(reply.error);
  if (reply.report) process.stderr.write(reply.report);
  return reply.planJson === null ? null : parsePlan(reply.planJson, "compiled policy");
}

export async function serveCommand(opts: ServeOptions): Promise<number> {
  const server = opts.server as ServerKind;
  if (server !== "uws" && server !== "node") return usage(`--server must be uws or node, not ${opts.server}`);
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port must be a port number, not ${opts.port}`);
  if ((opts.plan === undefined) === (opts.policy === undefined)) return usage("give exactly one of --plan <file> or --policy <paths…>");
  const adminPort = opts.adminPort === undefined ? undefined : Number(opts.adminPort);
  if (adminPort !== undefined && (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65535)) {
    return usage(`--admin-port must be a port number, not ${opts.adminPort}`);
  }
  const plan = opts.plan !== undefined ? await loadPlanFile(opts.plan) : await compileInMemory(opts.policy!);
  if (plan === null) return 1;
  const gateway = await startGateway({ plan, host: opts.host, port, server, planFile: opts.plan, adminPort });
  if (gateway.adminUrl !== null) process.stderr.write(`tollgate admin listener on ${gateway.adminUrl}\n`);
  process.stderr.write(`tollgate serving plan ${plan.hash.slice(0, 19)}… on ${gateway.url} (${gateway.listener.kind})\n`);
  await untilSignal(gateway);
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
export function untilSignal(gateway: Gateway, onStop?: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const hangup = (): void => {
      gateway.reload("SIGHUP").catch((err: unknown) => process.stderr.write(`tollgate: SIGHUP: ${err instanceof Error ? err.message : String(err)}\n`));
    };
    const stop = (graceful: boolean): void => {
      process.off("SIGINT", interrupt);
      process.off("SIGTERM", terminate);
      process.off("SIGHUP", hangup);
      void (graceful ? gateway.shutdown() : gateway.close())
        .then(() => onStop?.())
        .finally(resolve);
    };
    const interrupt = (): void => stop(false);
    const terminate = (): void => stop(true);
    process.on("SIGINT", interrupt);
    process.on("SIGTERM", terminate);
    process.on("SIGHUP", hangup);
  });
}
