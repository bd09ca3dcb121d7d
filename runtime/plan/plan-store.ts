/**
 * Holds the plan being served. A request takes `served` once when it starts and
 * keeps that snapshot to the end; replacing the plan is one reference assignment.
 * The previous plan is retired: its pools close when its last in-flight request ends.
 */
import type { PlanListener } from "../../schemas/plan/plan.js";
import type { LinkedPlan } from "./linked-plan.js";
import { ServedPlan } from "./served-plan.js";

export class PlanStore {
  #served: ServedPlan;
  /** Retired plans whose requests have not all finished yet. */
  #retiring = new Set<ServedPlan>();
  /** False while draining for shutdown: /readyz reports not ready. */
  ready = true;
  /** Why the gateway cannot serve its plan right now (a fail-closed quota's store is down), or null; /readyz answers 503 with it. */
  unready: () => string | null = () => null;
  /** The listener settings of the first plan: admin and audit are set up from them once. */
  readonly startupListener: PlanListener;

  constructor(initial: LinkedPlan | ServedPlan) {
    this.#served = initial instanceof ServedPlan ? initial : new ServedPlan(initial);
    this.startupListener = this.#served.linked.listener;
  }

  /** The linked plan new requests start on. */
  get current(): LinkedPlan {
    return this.#served.linked;
  }

  /** The served plan new requests start on (with its tag and in-flight count). */
  get served(): ServedPlan {
    return this.#served;
  }

  /** Requests in flight on every plan, current and retiring. */
  get inflight(): number {
    let n = this.#served.inflight;
    for (const p of this.#retiring) n += p.inflight;
    return n;
  }

  /** Swaps in a plan; the previous one closes once its in-flight requests finish. */
  replace(next: LinkedPlan | ServedPlan): ServedPlan {
    const served = next instanceof ServedPlan ? next : new ServedPlan(next);
    const previous = this.#served;
    this.#served = served;
    this.#retiring.add(previous);
    void previous.retire().then(() => this.#retiring.delete(previous));
    return served;
  }

  /** Ends the upstream requests of every plan (the shutdown deadline). */
  abortInFlight(reason: Error): void {
    this.#served.abortInFlight(reason);
    for (const p of this.#retiring) p.abortInFlight(reason);
  }

  async close(): Promise<void> {
    await Promise.all([this.#served.close(), ...[...this.#retiring].map((p) => p.close())]);
  }
}
