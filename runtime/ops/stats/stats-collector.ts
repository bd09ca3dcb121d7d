/**
 * Turns finished requests into a StatsDelta (see stats-delta.ts) for the dashboard
 * and the alert rules. Attached only when one of them is configured (an admin
 * listener or alert rules), so a gateway without them pays nothing. Per request it
 * does a few additions and, for chat completions, two map lookups.
 */
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { ServedPlan } from "../../plan/served-plan.js";
import type { RequestObserver, RequestRecord } from "../../base/request-record.js";
import { costUsd } from "../../base/cost.js";
import { emptyDelta, latencyBucket, type StatsDelta, type TargetCell, type UsageCell } from "./stats-delta.js";

/** USD per 1M tokens. */
interface Price {
  input: number;
  output: number;
}

export class StatsCollector implements RequestObserver {
  #delta: StatsDelta = emptyDelta();
  /** Target prices of each served plan, found once per plan. */
  #prices = new WeakMap<ServedPlan, Map<LinkedTarget, Price | null>>();

  observe(r: RequestRecord): void {
    if (r.endpoint !== "chat_completions" && r.endpoint !== "models") return;
    const d = this.#delta;
    d.requests++;
    const last = r.lastAttempt;
    const cut = r.status === 200 && last !== null && last.outcome !== "success" && r.stream;
    if (r.status >= 500 || cut) d.failures++;
    d.latency[latencyBucket(r.durationMs)]!++;
    if (r.stream && r.firstByteMs >= 0) d.ttft[latencyBucket(r.firstByteMs)]!++;
    if (r.attempts !== null) {
      for (const a of r.attempts) {
        const key = `${a.target.upstream.name}\u0000${a.target.model}`;
        const cell: TargetCell = (d.targets[key] ??= { attempts: 0, successes: 0 });
        cell.attempts++;
        if (a.outcome === "success") cell.successes++;
      }
    }
    if (r.model === null) return;
    const key = `${r.consumer ?? "-"}\u0000${r.model.name}`;
    const cell: UsageCell = (d.usage[key] ??= { requests: 0, inputTokens: 0, outputTokens: 0, spendUsd: 0 });
    cell.requests++;
    const usage = r.usage;
    if (usage === null || last === null) return;
    cell.inputTokens += usage.inputTokens;
    cell.outputTokens += usage.outputTokens;
    const price = this.#priceOf(r.served, last.target);
    if (price === null) return;
    const usd = costUsd(price, usage);
    cell.spendUsd += usd;
    d.spendUsd += usd;
  }

  /** The delta since the last call, and a fresh one started. */
  take(): StatsDelta {
    const d = this.#delta;
    this.#delta = emptyDelta();
    return d;
  }

  /** The plan's price of a linked target, by (provider, upstream model). */
  #priceOf(served: ServedPlan, target: LinkedTarget): Price | null {
    let prices = this.#prices.get(served);
    if (prices === undefined) {
      prices = new Map();
      this.#prices.set(served, prices);
    }
    let price = prices.get(target);
    if (price === undefined) {
      const plan = served.linked.plan;
      const t = plan.targets.find((pt) => pt.model === target.model && plan.upstreams[pt.upstream]?.name === target.upstream.name);
      price = t?.price ?? null;
      prices.set(target, price);
    }
    return price;
  }
}
