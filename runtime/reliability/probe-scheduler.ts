/**
 * Active health probes: for each upstream whose policy has `health.probe`, a GET on the
 * probe path every interval, with the upstream's first key. A probe answered below 500
 * closes the breaker (the endpoint is back); a failure or a 5xx counts as a failed
 * attempt. Timers are unref'd (they never keep the process alive) and stop when the
 * plan closes. A probe never overlaps the previous one of the same upstream.
 */
import type { PlanUpstream } from "../../schemas/plan/plan.js";
import type { LinkedUpstream } from "../plan/linked-plan.js";
import type { HealthState } from "./linked-reliability.js";

/** Running probes of one plan. */
export interface ProbeScheduler {
  /** Probes run per upstream slot, by result. */
  readonly ok: Uint32Array;
  readonly failed: Uint32Array;
  stop(): void;
}

export function startProbes(plans: readonly PlanUpstream[], upstreams: readonly LinkedUpstream[], health: HealthState): ProbeScheduler {
  const ok = new Uint32Array(plans.length);
  const failed = new Uint32Array(plans.length);
  const timers: NodeJS.Timeout[] = [];
  const controllers = new Set<AbortController>();
  plans.forEach((plan, slot) => {
    const probe = plan.health?.probe;
    const upstream = upstreams[slot];
    if (probe === null || probe === undefined || upstream === undefined || upstream.disabled !== null) return;
    let running = false;
    const run = (): void => {
      if (running) return;
      running = true;
      const controller = new AbortController();
      controllers.add(controller);
      const timer = setTimeout(() => controller.abort(), probe.timeoutMs);
      const auth = upstream.authorizations[0];
      upstream.pool
        .request({ method: "GET", path: probe.path, headers: auth === undefined ? {} : { authorization: auth }, signal: controller.signal })
        .then(async (res) => {
          await res.body.dump();
          return res.statusCode < 500;
        })
        .catch(() => false)
        .then((healthy) => {
          clearTimeout(timer);
          controllers.delete(controller);
          running = false;
          const now = performance.now();
          if (healthy) {
            ok[slot]!++;
            health.breakers.success(slot, now);
          } else {
            failed[slot]!++;
            health.breakers.failure(slot, now);
          }
        });
    };
    const interval = setInterval(run, probe.intervalMs);
    interval.unref();
    timers.push(interval);
  });
  return {
    ok,
    failed,
    stop() {
      for (const t of timers) clearInterval(t);
      for (const c of controllers) c.abort();
    },
  };
}
