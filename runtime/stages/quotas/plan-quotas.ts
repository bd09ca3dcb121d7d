/**
 * A plan's quotas, linked: each quota with its bucket parameters and downgrade model
 * resolved, and per (consumer, model) the list of quotas that apply, computed once
 * and cached, so admission never re-reads the policy. Consumers' teams come from the
 * plan. Built by the QuotaService when a plan starts serving.
 */
import type { PlanQuota } from "../../../schemas/plan/quota.js";
import type { LinkedConsumer, LinkedModel, LinkedPlan } from "../../plan/linked-plan.js";
import type { PlanAttachment } from "../../plan/served-plan.js";
import type { CounterStore } from "../../state/counters/counter-spec.js";
import type { QuotaService } from "./quota-service.js";
import { windowLengthMs } from "../../base/windows.js";

export interface LinkedQuota {
  readonly plan: PlanQuota;
  readonly name: string;
  readonly bucket: boolean;
  /** Fixed: the limit; bucket: the burst. */
  readonly capacity: number;
  /** Bucket refill per ms (0 for fixed windows). */
  readonly ratePerMs: number;
  readonly downgrade: LinkedModel | null;
  /** The store its counters live in. */
  readonly store: CounterStore;
  /** The plan's consumer mask and model mask. */
  readonly consumers: readonly boolean[] | null;
  readonly models: readonly boolean[] | null;
  /** True when the quota needs the prompt's token count (tokens, input tokens, spend). */
  readonly needsInput: boolean;
  /** Bounded label for metrics. */
  readonly label: string;
}

/** What the gateway knows about a consumer for quotas and the ledger. */
export interface ConsumerFacts {
  readonly index: number;
  readonly team: string | null;
}

export class PlanQuotas implements PlanAttachment {
  readonly service: QuotaService;
  readonly linked: LinkedPlan;
  readonly quotas: readonly LinkedQuota[];
  readonly #consumers = new Map<LinkedConsumer, ConsumerFacts>();
  readonly #teams = new Map<string, string>();
  /** consumer → per model index: the applicable quotas. */
  readonly #applicable = new Map<LinkedConsumer, (readonly LinkedQuota[] | undefined)[]>();
  /** True when some quota counts tokens exactly. */
  readonly exact: boolean;

  constructor(service: QuotaService, linked: LinkedPlan, stores: { local: CounterStore; shared: CounterStore | null }) {
    this.service = service;
    this.linked = linked;
    const plan = linked.plan;
    plan.consumers.forEach((c, index) => {
      const consumer = c.keySha256.length > 0 ? linked.consumersByKeyHash.get(c.keySha256[0]!) : undefined;
      if (consumer !== undefined) this.#consumers.set(consumer, { index, team: c.team ?? null });
      if (c.team !== undefined) this.#teams.set(c.name, c.team);
    });
    this.quotas = (plan.quotas ?? []).map((q) => {
      const bucket = q.burst !== null;
      const store = q.consistency === "shared" ? stores.shared : stores.local;
      if (store === null) throw new Error(`quota ${q.name} is shared but the plan declares no Redis store`);
      return {
        plan: q,
        name: q.name,
        bucket,
        capacity: q.burst ?? q.limit,
        ratePerMs: bucket ? q.limit / windowLengthMs(q.per, 0) : 0,
        downgrade: q.downgrade === null ? null : (linked.models[q.downgrade] ?? null),
        store,
        consumers: q.consumers,
        models: q.models,
        needsInput: q.unit === "tokens" || q.unit === "input-tokens" || q.unit === "usd",
        label: q.name,
      };
    });
    this.exact = this.quotas.some((q) => q.plan.exact);
  }

  /** The team of the consumer with this name, or null. */
  teamByName(name: string): string | null {
    return this.#teams.get(name) ?? null;
  }

  facts(consumer: LinkedConsumer): ConsumerFacts | undefined {
    return this.#consumers.get(consumer);
  }

  /** The quotas that apply to this consumer on this model (cached). */
  applicable(consumer: LinkedConsumer, model: LinkedModel): readonly LinkedQuota[] {
    let row = this.#applicable.get(consumer);
    if (row === undefined) {
      row = new Array(this.linked.models.length);
      this.#applicable.set(consumer, row);
    }
    let list = row[model.index];
    if (list === undefined) {
      const facts = this.#consumers.get(consumer);
      list = this.quotas.filter(
        (q) => (q.consumers === null || (facts !== undefined && q.consumers[facts.index] === true)) && (q.models === null || q.models[model.index] === true),
      );
      row[model.index] = list;
    }
    return list;
  }

  dispose(): void {}
}
