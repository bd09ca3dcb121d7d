/**
 * Starts the admin listener when the plan configures one (or `--admin-port` asks
 * for it): loopback by default, on its own port, behind its own bearer token read
 * from a secret reference. A missing token refuses to start: an admin port without
 * a token would be an open reload button.
 */
import type { PlanStore } from "../../plan/plan-store.js";
import type { ReloadResult } from "../../plan/reload-plan.js";
import { resolveSecret } from "../../base/secrets.js";
import type { Listener, ServerKind } from "../../server/exchange.js";
import { listen } from "../../server/listen.js";
import type { GatewayMetrics } from "../metrics/metrics.js";
import { createAdminHandler } from "./admin-handler.js";
import { AdminToken } from "./admin-token.js";
import type { OpsHub } from "../ops-hub.js";
import type { UsageReport } from "../usage-report.js";

export interface StartAdminOptions {
  kind: ServerKind;
  store: PlanStore;
  metrics: GatewayMetrics;
  env: NodeJS.ProcessEnv;
  portOverride: number | undefined;
  /** `--share-port`: bind even when another process listens on the admin port. */
  sharePort?: boolean;
  reload: ((reason: string) => Promise<ReloadResult>) | null;
  ops?: OpsHub | null;
  /** Worker mode: the summed exposition of every worker. */
  renderMetrics?: () => Promise<string>;
  workers?: number;
  /** The usage ledger and quota report (GET /admin/usage). */
  usage?: () => Promise<UsageReport>;
}

/** The running admin listener and its URL, or null when none is configured. */
export async function startAdmin(opts: StartAdminOptions): Promise<{ listener: Listener; url: string } | null> {
  const settings = opts.store.startupListener.admin;
  if (settings === null) {
    if (opts.portOverride !== undefined) {
      throw new Error("--admin-port needs `listener.admin.token` in the policy: the admin listener never runs without a token");
    }
    return null;
  }
  const secret = resolveSecret(settings.token, opts.env);
  if (!secret.ok) throw new Error(`admin listener: ${secret.problem} (listener.admin.token)`);
  const port = opts.portOverride ?? settings.port;
  const handler = createAdminHandler({
    store: opts.store,
    metrics: opts.metrics,
    token: new AdminToken(secret.value),
    reload: opts.reload,
    ops: opts.ops ?? null,
    ...(opts.renderMetrics === undefined ? {} : { renderMetrics: opts.renderMetrics }),
    workers: opts.workers ?? 1,
    usage: opts.usage ?? null,
  });
  const listener = await listen(opts.kind, { host: settings.host, port, handler, sharePort: opts.sharePort === true });
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  return { listener, url: `http://${host}:${listener.port}` };
}
