/**
 * The dashboard's "Quota remaining" and "Ejected endpoints" sections, read from the
 * state their owners keep: the quota service's counters (the same report as
 * GET /admin/usage) and the current plan's circuit breakers. Quota counters may live in
 * Redis, so that report is asynchronous: the section shows the last finished report and
 * starts the next one on each poll (the page polls every few seconds).
 */
import type { PlanStore } from "../plan/plan-store.js";
import type { QuotaService } from "../quotas/quota-service.js";
import { usageReport, type UsageReport } from "../quotas/usage-report.js";
import { HALF_OPEN, OPEN } from "../reliability/circuit-breaker.js";
import { registerDashboardSection } from "./dashboard-sections.js";

const STATE_NAMES = ["closed", "open", "half-open"] as const;

export function registerFeatureSections(store: PlanStore, quotas: QuotaService): void {
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
      items: last.quotas.map((q) => ({ quota: q.quota, key: q.key, unit: q.unit, per: q.per, used: q.used, remaining: q.remaining, limit: q.limit, overrun: q.projectedOverrun ? "projected" : "" })),
      note: "no counter used yet",
    };
  });
  registerDashboardSection("ejected", () => {
    const linked = store.current;
    const watched = linked.plan.upstreams.flatMap((u, slot) => (u.health === undefined ? [] : [{ u, slot }]));
    if (watched.length === 0) return { configured: false };
    const breakers = linked.health.breakers;
    const now = Date.now();
    const items = watched
      .filter(({ slot }) => breakers.state[slot] === OPEN || breakers.state[slot] === HALF_OPEN)
      .map(({ u, slot }) => ({ provider: u.name, state: STATE_NAMES[breakers.state[slot]!] ?? "?", "back in s": Math.ceil(breakers.remainingMs(slot, now) / 1000), ejections: breakers.ejections[slot]! }));
    return { configured: true, items, note: `none of ${watched.length} watched endpoints` };
  });
}
