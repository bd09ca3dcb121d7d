/**
 * `tollgate serve`: serves a compiled plan (production) or compiles policy files in
 * memory first (development). Stops cleanly on SIGINT/SIGTERM.
 */
import type { Plan } from "../schemas/plan/plan.js";
import { compilePaths, renderDiagnostics } from "../compiler/index.js";
import { startGateway, type Gateway } from "../runtime/gateway.js";
import { loadPlanFile } from "../runtime/plan/load-plan.js";
import type { ServerKind } from "../runtime/server/exchange.js";

export interface ServeOptions {
  plan?: string;
  policy?: string[];
  host: string;
  port: string;
  server: string;
  adminPort?: string;
}

/** Compiles policy paths in memory; prints diagnostics; null when there are errors. */
export async function compileInMemory(paths: string[]): Promise<Plan | null> {
  const result = await compilePaths(paths);
  if (result.diagnostics.length > 0) {
    process.stderr.write(renderDiagnostics(result.diagnostics, { format: "human", color: process.stderr.isTTY }));
  }
  return result.plan;
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
