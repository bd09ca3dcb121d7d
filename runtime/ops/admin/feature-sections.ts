/**
 * The dashboard's "Quota remaining" and "Ejected endpoints" sections, read from the
 * state their owners keep: the quota service's counters (the same report as
 * GET /admin/usage) and the current plan's circuit breakers. Quota counters may live in
 * Redis, so that report is asynchronous: the section shows the last finished report and
 * starts the next one on each poll (the page polls every few seconds). With
 * `--workers` the breakers live in the worker threads: the main thread passes the
 * merged view they post (runtime/ops/breaker-view.ts).
 */
import type { PlanStore } from "../../plan/plan-store.js";
import type { QuotaService } from "../../stages/quotas/quota-service.js";
import { usageReport, type UsageReport } from "../usage-report.js";
import { breakerView, type BreakerView } from "../breaker-view.js";
import { registerDashboardSection } from "./dashboard-sections.js";

/** `breakers`: the current breaker view; default, this thread's own (a single-thread gateway). */
export function registerFeatureSections(store: PlanStore, quotas: QuotaService, breakers: () => BreakerView = () => breakerView(store.current, Date.now())): void {
  let last: UsageReport | null = null;
  let pending = false;
  registerDashboardSection("quotas", () => {
    if ((store.current.plan.quotas?.length ?? 0) === 0) return { configured: false };
    if (!pending) {
      pending = true;
      usageReport(quotas, store)
        .then((r) => (last = r))
        .catch(() => undefined)
        .finally(() => (pending = false));
    }
    if (last === null) return { configured: true, items: [], note: "reading counters…" };
    return {
      configured: true,
      items: last.quotas.map((q) => ({
        quota: q.quota,
        key: q.key,
        unit: q.unit,
        per: q.per,
        used: q.used,
        remaining: q.remaining,
        limit: q.limit,
        overrun: q.projectedOverrun ? "projected" : "",
      })),
      note: "no counter used yet",
    };
  });
  registerDashboardSection("ejected", () => {
    if (!store.current.plan.upstreams.some((u) => u.health !== undefined)) return { configured: false };
    const view = breakers();
    const items = view.ejected.map((e) => ({ provider: e.provider, state: e.state, "back in s": Math.ceil(e.remainingMs / 1000), ejections: e.ejections }));
    return { configured: true, items, note: `none of ${view.watched} watched endpoints` };
  });
}
