/**
 * The audit log: one JSON line per finished API request, written by pino through an
 * asynchronous destination (SonicBoom buffers and writes off the response path).
 *
 * What a line holds is decided here and only here, field by field, from the
 * RequestRecord: no request header, client key, provider key or Authorization value
 * is ever in a record, so none can reach a line. Request content appears only as
 * `none` (absent) or a SHA-256 `hash` of the body bytes, per policy.
 */
import { createHash } from "node:crypto";
import { pino, type Logger } from "pino";
import type { PlanAudit } from "../../schemas/plan/operations.js";
import type { Usage } from "../base/usage.js";
import type { RequestObserver, RequestRecord } from "../base/request-record.js";

/** Bytes SonicBoom gathers before a write: batches lines under load. */
const BUFFER_BYTES = 4096;

/** One audit line, as written after a leading `"type":"audit"` (field order is the order below). */
export interface AuditLine {
  time: string;
  requestId: string;
  endpoint: string;
  consumer: string | null;
  route: string | null;
  requestedModel: string | null;
  model: string | null;
  target: { provider: string; model: string } | null;
  attempts: { provider: string; model: string; outcome: string; ms: number }[];
  status: number;
  stream: boolean;
  latencyMs: number;
  ttfbMs: number | null;
  plan: string;
  content: string | null;
  /** Normalized usage of the serving attempt (runtime/base/usage.ts), or null when the provider reported none. */
  usage: Usage | null;
  /** Characters of generated content relayed (charged from when `usage` is null). */
  outputChars: number;
  /** Guardrail findings: check, action, rule and count per direction; never the text found. */
  guardrails: object | null;
  /** How the response cache met the request (hit_exact, hit_semantic, miss, …), or null without a cache. */
  cache: string | null;
}

/** Longest shutdown waits for the audit file to close. */
const CLOSE_TIMEOUT_MS = 2_000;

/** Longest requested-model string kept (it is client input). */
const MAX_MODEL_CHARS = 200;

/** Implements {@link RequestObserver} for the audit log. */
export class AuditLog implements RequestObserver {
  readonly #logger: Logger;
  readonly #destination: ReturnType<typeof pino.destination>;
  readonly #content: PlanAudit["content"];

  constructor(settings: PlanAudit) {
    this.#content = settings.content;
    this.#destination = pino.destination({ dest: settings.sink === "file" ? (settings.path ?? "") : 1, sync: false, minLength: BUFFER_BYTES, mkdir: true });
    // No pid, hostname or pino timestamp; the level becomes a fixed `"type":"audit"` tag
    // (an empty level object makes pino 10 write `{,` — a broken line).
    this.#logger = pino({ base: null, timestamp: false, formatters: { level: () => ({ type: "audit" }) } }, this.#destination);
  }

  observe(r: RequestRecord): void {
    if (r.endpoint === "health" || r.endpoint === "readiness" || r.endpoint === "metrics" || r.endpoint === "other") return;
    this.#logger.info(auditLine(r, this.#content));
  }

  /** Writes out buffered lines synchronously (shutdown). */
  flush(): void {
    try {
      this.#destination.flushSync();
    } catch {
      // Nothing buffered, or the destination is not open yet: nothing to lose.
    }
  }

  /**
   * Flushes and closes the destination. Resolves once the file is closed: a write the
   * destination had in flight when `flush` ran lands only then, and a reader of the file
   * after shutdown must see every line. Bounded, so a stuck disk cannot hold shutdown.
   */
  close(): Promise<void> {
    this.flush();
    const destination = this.#destination;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      destination.once("close", done);
      destination.once("error", done);
      destination.end();
    });
  }
}

/** The audit line of a finished request. */
export function auditLine(r: RequestRecord, content: PlanAudit["content"]): AuditLine {
  const last = r.lastAttempt;
  return {
    time: new Date(r.time).toISOString(),
    requestId: r.requestId,
    endpoint: r.endpoint,
    consumer: r.consumer,
    route: r.route?.name ?? null,
    requestedModel: r.requestedModel === null ? null : r.requestedModel.slice(0, MAX_MODEL_CHARS),
    model: r.model?.name ?? null,
    target: last === null ? null : { provider: last.target.upstream.name, model: last.target.model },
    attempts: (r.attempts ?? []).map((a) => ({ provider: a.target.upstream.name, model: a.target.model, outcome: a.outcome, ms: round(a.ms) })),
    status: r.status,
    stream: r.stream,
    latencyMs: round(r.durationMs),
    ttfbMs: r.firstByteMs < 0 ? null : round(r.firstByteMs),
    plan: r.served.linked.hash,
    content: content === "hash" && r.body !== null ? `sha256:${createHash("sha256").update(r.body).digest("hex")}` : null,
    usage: r.usage,
    outputChars: r.outputChars,
    guardrails: r.guardrails === null ? null : r.guardrails.toJSON(),
    cache: r.cache,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
