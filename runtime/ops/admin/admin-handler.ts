/**
 * The admin listener's request handler: every request needs the admin bearer token
 * (401 otherwise, before the path is even looked at). Endpoints:
 *   POST /admin/reload  reload the plan file now; 200 with the result, 409 when rejected
 *   GET  /admin/plan    the plan being served: hash, compiler version, load time,
 *                       upstream names and disabled notes (never a secret)
 *   GET  /metrics       Prometheus text (summed over worker threads)
 *   GET  /admin/usage   the usage ledger, team totals, quota counters with projections (JSON)
 *   GET  /admin/usage/export  the same rows as JSON lines
 *   GET  /admin/alerts  alert rules, their state and recent notifications
 *   GET  /admin/dashboard/data  the dashboard's JSON
 * One exception to the token rule: GET /admin/dashboard, the static page itself. It
 * holds no data; its script sends the token (typed in, or from the URL fragment,
 * which browsers never send to a server) with every data request.
 */
import type { PlanStore } from "../../plan/plan-store.js";
import type { ReloadResult } from "../../plan/reload-plan.js";
import type { Exchange, ExchangeHandler } from "../../server/exchange.js";
import { sendError, sendJson } from "../../pipeline/respond.js";
import { gatewayError } from "../../base/errors.js";
import type { GatewayMetrics } from "../metrics/metrics.js";
import { log } from "../../base/log.js";
import { requestIdOf } from "../../server/request-id.js";
import type { AdminToken } from "./admin-token.js";
import type { OpsHub } from "../ops-hub.js";
import { dashboardData } from "./dashboard-data.js";
import { DASHBOARD_HTML } from "./dashboard-page.js";
import { usageJsonl, type UsageReport } from "../usage-report.js";

export interface AdminDeps {
  store: PlanStore;
  token: AdminToken;
  metrics: GatewayMetrics;
  /** Null when the gateway was not started from a plan file (nothing to reload). */
  reload: ((reason: string) => Promise<ReloadResult>) | null;
  /** Statistics and alerts, or null when none are kept. */
  ops?: OpsHub | null;
  /** The exposition to serve; default `metrics.render()` (worker mode sums the workers'). */
  renderMetrics?: () => Promise<string>;
  /** Serving worker threads, for the dashboard. Default 1. */
  workers?: number;
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

/** The page loads nothing from elsewhere and talks only to its own origin. */
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";

export function createAdminHandler(deps: AdminDeps): ExchangeHandler {
  return (ex) => {
    const requestId = requestIdOf(ex);
    if (ex.method === "GET" && ex.path === "/admin/dashboard") {
      ex.send(
        200,
        [
          ["content-type", "text/html; charset=utf-8"],
          ["cache-control", "no-store"],
          ["content-security-policy", CSP],
          ["x-request-id", requestId],
        ],
        DASHBOARD_HTML,
      );
      return;
    }
    if (!deps.token.accepts(ex.headers.authorization)) {
      sendError(ex, requestId, gatewayError("invalid-admin-token", {}));
      return;
    }
    const route = `${ex.method} ${ex.path}`;
    if (route === "GET /admin/plan") return sendJson(ex, 200, requestId, planInfo(deps.store));
    if (route === "GET /metrics") return void sendMetrics(ex, deps.metrics, deps.renderMetrics);
    if (route === "GET /admin/alerts") return sendJson(ex, 200, requestId, JSON.stringify(deps.ops?.alerts?.view() ?? { configured: false }));
    if (route === "GET /admin/dashboard/data") return sendJson(ex, 200, requestId, dashboardData(deps.store, deps.ops ?? null, deps.workers ?? 1));
    if (route === "POST /admin/reload") return void reload(ex, requestId, deps);
    if ((route === "GET /admin/usage" || route === "GET /admin/usage/export") && deps.usage != null) {
      const usage = deps.usage;
      return void usage().then(
        (report) =>
          route === "GET /admin/usage"
            ? sendJson(ex, 200, requestId, JSON.stringify(report))
            : ex.send(
                200,
                [
                  ["content-type", "application/x-ndjson"],
                  ["x-request-id", requestId],
                ],
                usageJsonl(report),
              ),
        (err: unknown) => sendError(ex, requestId, gatewayError("usage-report-failed", { reason: err instanceof Error ? err.message : String(err) })),
      );
    }
    sendError(ex, requestId, gatewayError("admin-not-found", { method: ex.method, path: ex.path }));
  };
}

async function reload(ex: Exchange, requestId: string, deps: AdminDeps): Promise<void> {
  if (deps.reload === null) {
    sendError(ex, requestId, gatewayError("no-plan-file", {}));
    return;
  }
  log("info", "reload requested on the admin listener", { requestId });
  const result = await deps.reload("admin");
  sendJson(ex, result.ok ? 200 : 409, requestId, JSON.stringify(result));
}

/** Sends the Prometheus exposition; shared by the admin and (when enabled) the client listener. */
export async function sendMetrics(ex: Exchange, metrics: GatewayMetrics, render?: () => Promise<string>): Promise<void> {
  const body = await (render ?? (() => metrics.render()))();
  ex.send(200, [["content-type", metrics.contentType]], body);
}
