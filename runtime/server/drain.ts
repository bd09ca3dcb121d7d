/**
 * Graceful shutdown, in the order Kubernetes needs it (endpoint removal runs in
 * parallel with SIGTERM, so traffic keeps arriving for a few seconds):
 *   1. /readyz answers 503 at once; everything else is still served.
 *   2. After `graceMs`, the client listener stops accepting new connections.
 *   3. In-flight requests (streams included) get `deadlineMs` to finish.
 *   4. Any still running then have their upstream requests ended: streams close with
 *      an error event, never a silent cut.
 *   5. Listeners and pools close; the caller exits 0.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { PlanShutdown } from "../../schemas/plan/operations.js";
import type { PlanStore } from "../plan/plan-store.js";
import { log } from "../base/log.js";
import type { Listener } from "./exchange.js";

/** How often the in-flight count is checked while waiting. */
const POLL_MS = 25;
/** After aborting at the deadline, how long the aborted requests get to write their error events. */
const ABORT_SETTLE_MS = 1000;

export interface DrainTarget {
  store: PlanStore;
  /** Listeners that stop accepting after the grace (the client listener). */
  listeners: readonly Listener[];
}

/** Drains the gateway; resolves once no request is in flight (or the deadline passed). Does not close anything. */
export async function drain(target: DrainTarget, timing: PlanShutdown): Promise<{ aborted: number }> {
  const { store } = target;
  store.ready = false;
  log("info", "draining: /readyz now answers 503", { graceMs: timing.graceMs, deadlineMs: timing.deadlineMs, inflight: store.inflight });
  await sleep(timing.graceMs);
  for (const l of target.listeners) l.stopAccepting();
  log("info", "draining: no longer accepting connections", { inflight: store.inflight });
  const finished = await untilIdle(store, timing.deadlineMs);
  if (finished) return { aborted: 0 };
  const aborted = store.inflight;
  log("warn", "drain deadline reached: ending the requests still in flight", { inflight: aborted });
  store.abortInFlight(new Error("the gateway is shutting down"));
  await untilIdle(store, ABORT_SETTLE_MS);
  return { aborted };
}

/** True once nothing is in flight, false if `ms` passed first. */
async function untilIdle(store: PlanStore, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (store.inflight > 0) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}
