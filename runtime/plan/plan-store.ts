/**
 * Holds the plan being served. A request reads `current` once when it starts and
 * keeps that snapshot to the end; replacing the plan is one reference assignment,
 * and the old plan's pools close only after a grace period for in-flight requests.
 */
import type { LinkedPlan } from "./linked-plan.js";

/** How long a retired plan's pools stay open for requests that started on it. */
const RETIRE_GRACE_MS = 10 * 60_000;

export class PlanStore {
  #current: LinkedPlan;
  /** False while draining for shutdown: /readyz reports not ready. */
  ready = true;

  constructor(initial: LinkedPlan) {
    this.#current = initial;
  }

  get current(): LinkedPlan {
    return this.#current;
  }

  /** Swaps in a linked plan; the previous one is closed after the grace period. */
  replace(next: LinkedPlan): void {
    const previous = this.#current;
    this.#current = next;
    setTimeout(() => void previous.close(), RETIRE_GRACE_MS).unref();
  }

  async close(): Promise<void> {
    await this.#current.close();
  }
}
