/**
 * A linked plan while it is being served: the precomputed response tag, the count of
 * requests that started on it, and its metric children. The store swaps ServedPlans;
 * a retired one closes its upstream pools once its last in-flight request finishes,
 * so no request ever loses its pool mid-stream and no pool outlives its traffic.
 */
import type { Pool } from "undici";
import type { HeaderList } from "../server/exchange.js";
import type { LinkedPlan } from "./linked-plan.js";

/** Per-plan state that observers attach (metric children), built once per plan. */
export interface PlanAttachment {
  /** Called once when the plan is retired and drained. */
  dispose(): void;
}

export class ServedPlan {
  readonly linked: LinkedPlan;
  /** `x-tollgate-plan: <hash>`, one frozen list shared by every response on this plan. */
  readonly headers: HeaderList;
  /** When this plan started serving (ms since the epoch). */
  readonly loadedAt: number;
  /** Observer state keyed by observer; filled by `attach` before the plan serves. */
  readonly attachments = new Map<object, PlanAttachment>();
  #inflight = 0;
  #retired = false;
  #closed: Promise<void> | null = null;
  #onClosed: (() => void) | null = null;

  constructor(linked: LinkedPlan, loadedAt = Date.now()) {
    this.linked = linked;
    this.headers = Object.freeze([Object.freeze(["x-tollgate-plan", linked.hash] as const)]);
    this.loadedAt = loadedAt;
  }

  /** Requests that started on this plan and have not finished. */
  get inflight(): number {
    return this.#inflight;
  }

  acquire(): void {
    this.#inflight++;
  }

  release(): void {
    this.#inflight--;
    if (this.#retired && this.#inflight === 0) void this.close();
  }

  /** No new requests will start on this plan; it closes once the in-flight ones finish. Resolves when closed. */
  retire(): Promise<void> {
    this.#retired = true;
    if (this.#inflight === 0) return this.close();
    return new Promise((resolve) => {
      this.#onClosed = resolve;
    });
  }

  /** Closes the pools (waits for their requests) and disposes attachments; idempotent. */
  close(): Promise<void> {
    this.#closed ??= this.linked.close().then(
      () => this.#dispose(),
      () => this.#dispose(),
    );
    return this.#closed;
  }

  /**
   * Ends every upstream request of this plan now (the shutdown deadline): destroying
   * the pools fails their requests, so streams end with an error event and buffered
   * requests with a 502, through the normal failure path.
   */
  abortInFlight(reason: Error): void {
    for (const pool of this.#pools()) void pool.destroy(reason).catch(() => undefined);
  }

  #dispose(): void {
    this.#onClosed?.();
    this.#onClosed = null;
    for (const a of this.attachments.values()) a.dispose();
    this.attachments.clear();
  }

  /** The distinct pools reachable from the plan's models. */
  #pools(): Set<Pool> {
    const pools = new Set<Pool>();
    for (const m of this.linked.models) {
      for (const t of m.weighted) pools.add(t.upstream.pool);
      for (const t of m.fallbacks) pools.add(t.upstream.pool);
    }
    return pools;
  }
}
