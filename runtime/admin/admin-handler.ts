/**
 * The admin listener's request handler: every request needs the admin bearer token
 * (401 otherwise, before the path is even looked at). Endpoints:
 *   POST /admin/reload  reload the plan file now; 200 with the result, 409 when rejected
 *   GET  /admin/plan    the plan being served: hash, compiler version, load time,
 *                       upstream names and disabled notes (never a secret)
 *   GET  /metrics       Prometheus text
 *   GET  /admin/usage   the usage ledger, team totals, quota counters with projections (JSON)
 *   GET  /admin/usage/export  the same rows as JSON lines
 */
import type { PlanStore } from "../plan/plan-store.js";
import type { ReloadResult } from "../plan/reload-plan.js";
import type { Exchange, ExchangeHandler } from "../server/exchange.js";
import { sendError, sendJson } from "../server/respond.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import { log } from "../observability/log.js";
import { requestIdOf } from "../pipeline/chat-completions.js";
import type { AdminToken } from "./admin-token.js";
import { usageJsonl, type UsageReport } from "../quotas/usage-report.js";

export interface AdminDeps {
  store: PlanStore;
  token: AdminToken;
  metrics: GatewayMetrics;
  /** Null when the gateway was not started from a plan file (nothing to reload). */
  reload: ((reason: string) => Promise<ReloadResult>) | null;
  /** The usage report; null when the gateway keeps none. */
  usage?: (() => Promise<UsageReport>) | null;
}

/** The body of GET /admin/plan. */
export function planInfo(store: PlanStore): string {
  const served = store.served;
  const { plan } = served.linked;
  return JSON.stringify({
    hash: plan.hash,
    compilerVersion: plan.compilerVersion,
    loadedAt: new Date(served.loadedAt).toISOString(),
    ready: store.ready,
    upstreams: plan.upstreams.map((u) => u.name),
    models: plan.models.map((m) => m.name),
    notes: served.linked.notes,
  });
}

export function createAdminHandler(deps: AdminDeps): ExchangeHandler {
  return (ex) => {
    const requestId = requestIdOf(ex);
    if (!deps.token.accepts(ex.headers.authorization)) {
      sendError(ex, requestId, { code: "invalid_api_key", message: "missing or invalid admin token" });
      return;
    }
    const route = `${ex.method} ${ex.path}`;
    if (route === "GET /admin/plan") return sendJson(ex, 200, requestId, planInfo(deps.store));
    if (route === "GET /metrics") return void sendMetrics(ex, deps.metrics);
    if (route === "POST /admin/reload") return void reload(ex, requestId, deps);
    if ((route === "GET /admin/usage" || route === "GET /admin/usage/export") && deps.usage != null) {
      const usage = deps.usage;
      return void usage().then(
        (report) =>
          route === "GET /admin/usage"
            ? sendJson(ex, 200, requestId, JSON.stringify(report))
            : ex.send(200, [["content-type", "application/x-ndjson"], ["x-request-id", requestId]], usageJsonl(report)),
        (err: unknown) => sendError(ex, requestId, { code: "internal_error", message: `the usage report failed: ${err instanceof Error ? err.message : String(err)}` }),
      );
    }
    sendError(ex, requestId, { code: "not_found", message: `no such admin endpoint: ${ex.method} ${ex.path.slice(0, 200)}` });
  };
}

async function reload(ex: Exchange, requestId: string, deps: AdminDeps): Promise<void> {
  if (deps.reload === null) {
    sendError(ex, requestId, { code: "invalid_request", message: "this gateway was not started with --plan <file>: there is no file to reload" });
    return;
  }
  log("info", "reload requested on the admin listener", { requestId });
  const result = await deps.reload("admin");
  sendJson(ex, result.ok ? 200 : 409, requestId, JSON.stringify(result));
}

/** Sends the Prometheus exposition; shared by the admin and (when enabled) the client listener. */
export async function sendMetrics(ex: Exchange, metrics: GatewayMetrics): Promise<void> {
  const body = await metrics.render();
  ex.send(200, [["content-type", metrics.contentType]], body);
}
