/**
 * Where settled requests go beyond the in-process ledger: one row each in PostgreSQL
 * (`stores.postgres`) and increments in the fleet ledger in Redis (`stores.redis`),
 * each through its own outbox (batched, spooled to `<stores.local.dir>/spool/<sink>`
 * while its store is down, replayed after). Built from the request record at
 * settlement (`usageRecordOf`), so the row, the ledger, the metrics and the audit line
 * read the same figures.
 */
import { join } from "node:path";
import { CLIENT_CLOSED, type RequestRecord } from "../../base/request-record.js";
import type { UsageOutcome, UsageRecord } from "../../base/usage-record.js";
import { FleetLedger, type LedgerEnvelope, type LedgerRetention } from "../../state/fleet-ledger.js";
import { Outbox } from "../../state/outbox.js";
import { PostgresUsage } from "../../state/postgres-usage.js";
import type { SharedRedis } from "../../state/shared-redis.js";
import { Spool } from "../../state/spool.js";
import type { Sealer } from "../../base/sealer.js";
import type { PlanPostgresStore } from "../../../schemas/plan/quota.js";
import type { ActualUsage } from "./settle.js";

/** Records kept in memory per sink when neither its store nor its spool takes them. */
const MEMORY_MAX = 100_000;
/** The fleet ledger's spool bound (its records are small). */
const LEDGER_SPOOL_BYTES = 256 * 1024 * 1024;

export class UsageSinks {
  readonly postgres: { store: PostgresUsage; outbox: Outbox<UsageRecord> } | null;
  readonly ledger: { store: FleetLedger; outbox: Outbox<LedgerEnvelope> } | null;

  constructor(opts: {
    readonly postgres: { config: PlanPostgresStore; url: string } | null;
    readonly redis: { redis: SharedRedis; retention: LedgerRetention } | null;
    /** `stores.local.dir`, or null (then nothing is spooled: records wait in memory). */
    readonly dir: string | null;
    /** Seals spooled records (`stores.encryptionKeys`); null: spooled in clear. */
    readonly sealer?: Sealer | null;
  }) {
    const spool = <T>(name: string, max: number): Spool<T> | null => (opts.dir === null ? null : new Spool<T>(join(opts.dir, "spool", name), max, opts.sealer ?? null));
    if (opts.postgres !== null) {
      const { config, url } = opts.postgres;
      const store = new PostgresUsage({ url, table: config.table, timeoutMs: 5000 });
      const outbox = new Outbox<UsageRecord>({ write: (batch) => store.insert(batch) }, spool<UsageRecord>("postgres", config.spoolMaxBytes), {
        name: "postgres",
        batch: config.batch,
        flushMs: config.flushMs,
        memoryMax: MEMORY_MAX,
      });
      this.postgres = { store, outbox };
    } else this.postgres = null;
    if (opts.redis !== null) {
      const store = new FleetLedger(opts.redis.redis, opts.redis.retention);
      const outbox = new Outbox<LedgerEnvelope>({ write: (batch) => store.write(batch) }, spool<LedgerEnvelope>("ledger", LEDGER_SPOOL_BYTES), {
        name: "ledger",
        batch: 256,
        flushMs: 200,
        memoryMax: MEMORY_MAX,
      });
      this.ledger = { store, outbox };
    } else this.ledger = null;
  }

  add(r: UsageRecord): void {
    this.postgres?.outbox.add(r);
    if (this.ledger !== null) this.ledger.outbox.add(this.ledger.store.envelope(r));
  }

  /** The outboxes, for metrics and readiness. */
  get outboxes(): (Outbox<UsageRecord> | Outbox<LedgerEnvelope>)[] {
    const out: (Outbox<UsageRecord> | Outbox<LedgerEnvelope>)[] = [];
    if (this.postgres !== null) out.push(this.postgres.outbox);
    if (this.ledger !== null) out.push(this.ledger.outbox);
    return out;
  }

  async flush(): Promise<void> {
    await Promise.all(this.outboxes.map((o) => o.flush()));
  }

  async close(): Promise<void> {
    await Promise.all(this.outboxes.map((o) => o.close()));
    await this.postgres?.store.close();
  }
}

/** How a request ended, for billing. */
export function outcomeOf(record: RequestRecord, used: ActualUsage): UsageOutcome {
  if (record.status === CLIENT_CLOSED) return "client_abandoned";
  if (record.cut !== null) return record.cut;
  if (!used.charged) return "failed";
  return "complete";
}

/** The durable record of a settled request. */
export function usageRecordOf(record: RequestRecord, used: ActualUsage, team: string | null): UsageRecord {
  const last = record.lastAttempt;
  return {
    requestId: record.requestId,
    time: record.time,
    endpoint: record.endpoint,
    consumer: record.consumer,
    team,
    keyName: record.keyName,
    tags: record.tags,
    route: record.route?.name ?? null,
    model: record.model?.name ?? null,
    provider: used.target?.upstream.name ?? last?.target.upstream.name ?? null,
    target: used.target?.model ?? last?.target.model ?? null,
    attempts: record.attempts?.length ?? 0,
    inputTokens: used.inputTokens,
    cachedInputTokens: used.cachedInputTokens,
    outputTokens: used.outputTokens,
    reasoningTokens: used.reasoningTokens,
    audioSeconds: used.audioSeconds,
    characters: used.characters,
    costUsd: used.costUsd,
    latencyMs: Math.round(record.durationMs * 10) / 10,
    status: record.status,
    outcome: outcomeOf(record, used),
    estimated: used.charged && used.source !== "upstream",
    stream: record.stream,
    cache: record.cache,
    plan: record.served.linked.hash,
  };
}
