/**
 * What the dashboard shows of circuit breakers: the watched endpoints that are ejected
 * now (open or half-open), with when they come back and how often they were ejected.
 * With `--workers`, each worker thread keeps its own breakers (they see its traffic),
 * posts its view with its statistics, and the main thread merges the views: an endpoint
 * is ejected if any worker ejected it.
 */
import type { LinkedPlan } from "../plan/linked-plan.js";
import { HALF_OPEN, OPEN } from "../reliability/circuit-breaker.js";

export interface BreakerView {
  /** Upstreams with a `health` block. */
  readonly watched: number;
  readonly ejected: readonly EjectedEndpoint[];
}

export interface EjectedEndpoint {
  readonly provider: string;
  readonly state: "open" | "half-open";
  /** ms until an open breaker lets a trial through (0: half-open, or due). */
  readonly remainingMs: number;
  /** Ejections since the gateway started (carried across reloads). */
  readonly ejections: number;
}

export function breakerView(linked: LinkedPlan, now: number): BreakerView {
  const breakers = linked.health.breakers;
  let watched = 0;
  const ejected: EjectedEndpoint[] = [];
  linked.plan.upstreams.forEach((u, slot) => {
    if (u.health === undefined) return;
    watched++;
    const s = breakers.state[slot];
    if (s !== OPEN && s !== HALF_OPEN) return;
    ejected.push({ provider: u.name, state: s === OPEN ? "open" : "half-open", remainingMs: breakers.remainingMs(slot, now), ejections: breakers.ejections[slot]! });
  });
  return { watched, ejected };
}

/** Several threads' views as one: open wins over half-open, the longest wait and the ejections summed. */
export function mergeBreakerViews(views: readonly BreakerView[]): BreakerView {
  const byProvider = new Map<string, EjectedEndpoint>();
  for (const view of views) {
    for (const e of view.ejected) {
      const seen = byProvider.get(e.provider);
      byProvider.set(
        e.provider,
        seen === undefined
          ? e
          : {
              provider: e.provider,
              state: seen.state === "open" || e.state === "open" ? "open" : "half-open",
              remainingMs: Math.max(seen.remainingMs, e.remainingMs),
              ejections: seen.ejections + e.ejections,
            },
      );
    }
  }
  return { watched: Math.max(0, ...views.map((v) => v.watched)), ejected: [...byProvider.values()] };
}
