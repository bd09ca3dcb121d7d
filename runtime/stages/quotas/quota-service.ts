/**
 * The gateway's accounting: quota stores (the in-process shared table, and Redis
 * connections for `shared` quotas), the exact token counter, the usage ledger and
 * its metrics. One per gateway process (per thread with `--workers`, all attached to
 * the same shared memory); it outlives plan reloads, so counters do too.
 *
 * `attach(served)` links a plan's quotas before it serves (reloads included);
 * `observe(record)` settles every finished request (a RequestObserver).
 */
import type { ServedPlan } from "../../plan/served-plan.js";
import { resolveSecret } from "../../base/secrets.js";
import { Sealer } from "../../base/sealer.js";
import { log } from "../../base/log.js";
import type { GatewayMetrics } from "../../ops/metrics/metrics.js";
import type { RequestObserver, RequestRecord } from "../../base/request-record.js";
import { createSharedState, type SharedState } from "../../state/shared-state.js";
import { SharedRedis, StoreMisconfigured, describeError, safeMessage } from "../../state/shared-redis.js";
import { StoreUnavailable, type CounterStore } from "../../state/counters/counter-spec.js";
import { ExactCounter } from "../../canonical/exact-count.js";
import { UsageLedger } from "../../state/ledger.js";
import { LocalCounterStore } from "../../state/counters/local-store.js";
import { PlanQuotas } from "./plan-quotas.js";
import { QuotaMetrics } from "./quota-metrics.js";
import { RedisCounterStore } from "../../state/counters/redis-store.js";
import { actualUsage, settlements } from "./settle.js";
import { systemClock, type Clock } from "../../base/windows.js";
import type { PlanPostgresStore } from "../../../schemas/plan/quota.js";
import { UsageSinks, usageRecordOf } from "./usage-sinks.js";

/** The key of a plan's PlanQuotas in `ServedPlan.attachments`. */
export const QUOTA_ATTACHMENT: object = Object.freeze({ name: "quotas" });

export interface QuotaServiceOptions {
  /** Shared memory of this gateway process (created here when not given: one thread). */
  readonly sharedState?: SharedState;
  /** Where the accounting metrics are registered; null: not exported. */
  readonly metrics: GatewayMetrics | null;
  readonly env: NodeJS.ProcessEnv;
  /** Tests move time; default Date.now. */
  readonly clock?: Clock;
  /** Keep the usage ledger even for plans without quotas (the admin listener can read it). */
  readonly ledger: boolean;
}

export class QuotaService implements RequestObserver {
  readonly clock: Clock;
  readonly metrics: QuotaMetrics;
  readonly exactCounter = new ExactCounter();
  readonly state: SharedState;
  readonly local: LocalCounterStore;
  readonly ledger: UsageLedger;
  readonly #env: NodeJS.ProcessEnv;
  readonly #ledgerAlways: boolean;
  readonly #redis = new Map<string, { connection: SharedRedis; store: RedisCounterStore; connecting: Promise<void> }>();
  #lastFailureLog = 0;
  /** PostgreSQL rows and the fleet ledger, when the plan names their stores. */
  sinks: UsageSinks | null = null;

  constructor(opts: QuotaServiceOptions) {
    this.clock = opts.clock ?? systemClock;
    this.metrics = new QuotaMetrics(
      opts.metrics,
      () => this.redisStores,
      () => this.sinks?.outboxes ?? [],
    );
    this.state = opts.sharedState ?? createSharedState();
    this.local = new LocalCounterStore(this.state.quotas);
    this.ledger = new UsageLedger(this.state.ledger);
    this.#env = opts.env;
    this.#ledgerAlways = opts.ledger;
  }

  /** Links the plan's quotas (and opens its Redis store) before it serves; throws when its Redis URL cannot be resolved. */
  attach(served: ServedPlan): void {
    const plan = served.linked.plan;
    const hasQuotas = (plan.quotas?.length ?? 0) > 0;
    const durable = plan.stores?.postgres !== undefined || (plan.stores?.redis ?? null) !== null;
    if (!hasQuotas && !this.#ledgerAlways && !durable) return;
    const needsRedis = plan.quotas?.some((q) => q.consistency === "shared") ?? false;
    const shared = needsRedis ? this.#redisStore(plan.stores?.redis ?? null) : null;
    // The durable stores are opened with the first plan that names them (a reload keeps them: records never pause).
    if (durable && this.sinks === null) this.sinks = this.#openSinks(plan.stores!);
    const quotas = new PlanQuotas(this, served.linked, { local: this.local, shared });
    if (quotas.exact) void this.exactCounter.warm();
    served.attachments.set(QUOTA_ATTACHMENT, quotas);
  }

  /**
   * Waits (up to `timeoutMs`) for the Redis stores to connect, so the first requests are
   * not refused while they do; throws when a store answers but cannot do what the plan
   * asks (the wrong kind of deployment, scripts refused): a startup error, never a
   * silent fail-open.
   */
  async ready(timeoutMs = 2000): Promise<void> {
    const waits = [...this.#redis.values()].map((r) => r.connecting);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    try {
      await Promise.race([Promise.all(waits), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The Redis connections, for the admin report, metrics and readiness. */
  get redisStores(): { label: string; up: boolean; store: CounterStore; redis: SharedRedis }[] {
    return [...this.#redis.values()].map((r) => ({ label: r.connection.label, up: r.connection.up, store: r.store, redis: r.connection }));
  }

  #redisStore(config: { url: string; prefix: string; timeoutMs: number; pool?: number } | null): RedisCounterStore {
    if (config === null) throw new Error("the plan has shared quotas but no stores.redis");
    const secret = resolveSecret(config.url, this.#env);
    if (!secret.ok) throw new Error(`stores.redis.url: ${secret.problem}`);
    const pool = config.pool ?? 2;
    const id = `${secret.value}\u0000${config.prefix}\u0000${config.timeoutMs}\u0000${pool}`;
    let entry = this.#redis.get(id);
    if (entry === undefined) {
      const connection = new SharedRedis({ url: secret.value, prefix: config.prefix, timeoutMs: config.timeoutMs, pool, label: `redis/${config.prefix}` });
      const connecting = connection.connect();
      // Observed here so an unwatched rejection never crashes the process; ready() rethrows it.
      connecting.catch((err: unknown) =>
        log("error", "redis store cannot serve this plan", { store: connection.label, error: err instanceof StoreMisconfigured ? err.message : describeError(err) }),
      );
      entry = { connection, store: new RedisCounterStore(connection), connecting };
      this.#redis.set(id, entry);
    }
    return entry.store;
  }

  #openSinks(stores: NonNullable<ServedPlan["linked"]["plan"]["stores"]>): UsageSinks {
    let postgres: { config: PlanPostgresStore; url: string } | null = null;
    if (stores.postgres !== undefined) {
      const secret = resolveSecret(stores.postgres.url, this.#env);
      if (!secret.ok) throw new Error(`stores.postgres.url: ${secret.problem}`);
      postgres = { config: stores.postgres, url: secret.value };
    }
    const redis = stores.redis === null ? null : { redis: this.#redisStore(stores.redis).redis, retention: stores.redis.retention ?? { hours: 168, days: 400, months: 36 } };
    const keys = (stores.encryptionKeys ?? []).map((ref, i) => {
      const secret = resolveSecret(ref, this.#env);
      if (!secret.ok) throw new Error(`stores.encryptionKeys[${i}]: ${secret.problem}`);
      return secret.value;
    });
    return new UsageSinks({ postgres, redis, dir: stores.local?.dir ?? null, sealer: keys.length === 0 ? null : new Sealer(keys) });
  }

  /** Why `served` cannot be served now: a fail-closed shared quota whose store is down (null: ready). */
  unreadyReason(served: ServedPlan): string | null {
    const quotas = served.attachments.get(QUOTA_ATTACHMENT) as PlanQuotas | undefined;
    for (const q of quotas?.quotas ?? []) {
      if (q.plan.consistency !== "shared" || q.plan.failOpen || !(q.store instanceof RedisCounterStore) || q.store.redis.up) continue;
      return `quota ${q.name} fails closed and its store ${q.store.redis.label} is down: ${q.store.redis.lastError}`;
    }
    for (const o of this.sinks?.outboxes ?? []) {
      if (o.overflowing) return `usage store ${o.name} is down (${o.lastError}) and its spool cannot take more records: ${o.pending} records held in memory`;
    }
    return null;
  }

  /** Logs a store failure at most once a second, with the real error (a Redis outage must not flood the log). */
  noteStoreFailure(message: string, mode: "open" | "closed"): void {
    const now = Date.now();
    if (now - this.#lastFailureLog < 1000) return;
    this.#lastFailureLog = now;
    log("warn", `quota store unavailable: failing ${mode}`, { error: safeMessage(message === "" ? "unknown error" : message) });
  }

  observe(record: RequestRecord): void {
    if (record.model === null) return;
    const quotas = record.served.attachments.get(QUOTA_ATTACHMENT) as PlanQuotas | undefined;
    if (quotas === undefined) return;
    const ticket = record.quota;
    const used = actualUsage(record, ticket);
    const now = this.clock();
    if (ticket !== null && !ticket.settled) {
      ticket.settled = true;
      for (const [store, specs] of settlements(ticket, used, now)) {
        try {
          const done = store.settle(now, specs);
          if (done instanceof Promise) done.catch((err: unknown) => this.#settleFailed(err));
        } catch (err) {
          this.#settleFailed(err);
        }
      }
    }
    if (used.charged && used.source !== "upstream") {
      // The figures settled on are the record's usage from here on: metrics, the audit line and the ledger read the same numbers.
      record.usage = {
        inputTokens: used.inputTokens,
        outputTokens: used.outputTokens,
        cachedInputTokens: used.cachedInputTokens,
        cacheCreationTokens: record.usage?.cacheCreationTokens ?? 0,
        reasoningTokens: used.reasoningTokens,
        source: "counted",
      };
      this.metrics.estimated(record.model.name);
    }
    const consumer = record.consumer ?? "";
    const team = quotas.teamByName(consumer);
    this.sinks?.add(usageRecordOf(record, used, team));
    if (!used.charged) return;
    const model = record.model.name;
    this.ledger.add(now, consumer, team, model, used.target?.upstream.name ?? null, used);
    this.metrics.addCost(model, used.costUsd);
    const tagged = record.served.linked.costTags?.metrics;
    if (tagged !== undefined && tagged.length > 0) this.metrics.tagged(record.tags, tagged, used.costUsd, used.inputTokens, used.outputTokens);
  }

  #settleFailed(err: unknown): void {
    this.metrics.storeFailure("redis", "open");
    this.noteStoreFailure(err instanceof StoreUnavailable ? err.message : String(err), "open");
  }

  async close(): Promise<void> {
    await this.exactCounter.close();
    await this.sinks?.close();
    await Promise.all([...this.#redis.values()].map((r) => r.connection.close()));
    this.#redis.clear();
  }
}
