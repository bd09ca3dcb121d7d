/**
 * The operational settings added with `serve --workers`: listener TLS, trace export,
 * alert rules (listener) and upstream TLS and concurrency limits (providers), with
 * their defaults, durations in ms and the TG5002–TG5005 checks.
 */
import type { PlanAlertRule, PlanAlerts, PlanConcurrency, PlanTls, PlanTraces, PlanUpstreamTls } from "../../../schemas/plan/operations.js";
import { SECRET_REF_PATTERN } from "../../../schemas/policy/common.js";
import type { Listener } from "../../../schemas/policy/listener.js";
import type { Provider } from "../../../schemas/policy/provider.js";
import { child, type CompileContext } from "../../context.js";
import type { Origin } from "../../ir.js";
import { parseDuration } from "../values/duration.js";
import { describePath } from "../../diagnostics/describe-path.js";

export const OPERATIONS_DEFAULTS = {
  serviceName: "tollgate",
  sampleRatio: 1,
  alertInterval: "15s",
  alertCooldown: "10m",
  alertWindow: "5m",
  alertMinRequests: 10,
  queueTimeout: "1s",
} as const;

/** A duration in ms; an invalid one is reported (at `at`) and 1 stands in (the plan is not emitted). */
function ms(value: string | number | undefined, fallback: string, ctx?: CompileContext, at?: Origin): number {
  const parsed = parseDuration(value ?? fallback);
  if (parsed.ok) return parsed.value;
  if (ctx !== undefined && at !== undefined) ctx.report("bad-duration", { what: describePath(at.doc.value, at.path), reason: parsed.reason }, at);
  return 1;
}

/** `tls`, `traces` and `alerts` of the listener, each only when written (absent fields keep plans unchanged). */
export function normalizeListenerOperations(value: Listener | undefined, at: Origin | null, ctx: CompileContext): { tls?: PlanTls; traces?: PlanTraces; alerts?: PlanAlerts } {
  const out: { tls?: PlanTls; traces?: PlanTraces; alerts?: PlanAlerts } = {};
  if (value?.tls !== undefined) out.tls = { certFile: value.tls.cert, keyFile: value.tls.key };
  if (value?.traces !== undefined) {
    const t = value.traces;
    out.traces = {
      endpoint: t.endpoint,
      serviceName: t.serviceName ?? OPERATIONS_DEFAULTS.serviceName,
      sampleRatio: t.sampleRatio ?? OPERATIONS_DEFAULTS.sampleRatio,
      headers: { ...(t.headers ?? {}) },
    };
  }
  if (value?.alerts !== undefined && at !== null) out.alerts = normalizeAlerts(value.alerts, child(at, "alerts"), ctx);
  return out;
}

function normalizeAlerts(a: NonNullable<Listener["alerts"]>, at: Origin, ctx: CompileContext): PlanAlerts {
  if (!SECRET_REF_PATTERN.test(a.webhook) && !/^https?:\/\/[^\s/]+/.test(a.webhook)) ctx.report("bad-webhook", { what: "the alert webhook" }, child(at, "webhook"));
  const seen = new Set<string>();
  const rules: PlanAlertRule[] = [];
  a.rules.forEach((r, i) => {
    const ruleAt = child(at, "rules", i);
    if (seen.has(r.name)) ctx.report("duplicate-alert-rule", { name: r.name }, child(ruleAt, "name"));
    seen.add(r.name);
    const conditions = [r.successRate, r.p95Latency, r.spendRate].filter((c) => c !== undefined).length;
    if (conditions !== 1) {
      ctx.report("alert-rule-condition", { name: r.name, count: String(conditions) }, ruleAt);
      return;
    }
    const windowMs = ms(r.window, OPERATIONS_DEFAULTS.alertWindow, ctx, child(ruleAt, "window"));
    const minRequests = r.minRequests ?? OPERATIONS_DEFAULTS.alertMinRequests;
    if (r.successRate !== undefined) rules.push({ name: r.name, kind: "success-rate-below", threshold: r.successRate.below, windowMs, minRequests });
    else if (r.p95Latency !== undefined)
      rules.push({ name: r.name, kind: "p95-latency-above", threshold: ms(r.p95Latency.above, "1s", ctx, child(ruleAt, "p95Latency", "above")), windowMs, minRequests });
    else if (r.spendRate !== undefined) rules.push({ name: r.name, kind: "spend-rate-above", threshold: r.spendRate.above, windowMs, minRequests });
  });
  return {
    webhook: a.webhook,
    intervalMs: ms(a.interval, OPERATIONS_DEFAULTS.alertInterval, ctx, child(at, "interval")),
    cooldownMs: ms(a.cooldown, OPERATIONS_DEFAULTS.alertCooldown, ctx, child(at, "cooldown")),
    rules,
  };
}

/** A provider's `tls` and `concurrency`. */
export function normalizeProviderOperations(
  p: Provider,
  protocol: "http:" | "https:" | null,
  at: Origin,
  ctx: CompileContext,
): { tls: PlanUpstreamTls | null; concurrency: PlanConcurrency | null } {
  let tls: PlanUpstreamTls | null = null;
  if (p.tls !== undefined) {
    if (protocol === "http:") ctx.report("upstream-tls-on-http", { provider: p.name }, child(at, "tls"));
    else tls = { caFile: p.tls.ca ?? null, serverName: p.tls.serverName ?? null };
  }
  const c = p.concurrency;
  const concurrency =
    c === undefined
      ? null
      : { max: c.max, queue: c.queue ?? c.max, queueTimeoutMs: ms(c.queueTimeout, OPERATIONS_DEFAULTS.queueTimeout, ctx, child(at, "concurrency", "queueTimeout")) };
  return { tls, concurrency };
}
