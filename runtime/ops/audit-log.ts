/**
 * The audit log: one JSON line per finished API request, written through an
 * asynchronous destination (pino's SonicBoom buffers and writes off the response path).
 *
 * Durable within a bound: buffered lines are written every `flushMs` (1 s by default)
 * even on a quiet gateway, and the file is fsynced after each timed write (`fsync`), so
 * a process crash loses at most the lines of the last `flushMs`, and a machine crash at
 * most those of the last two.
 *
 * Tamper-evident: each line ends with `"chain"` (this writer's id: one per thread and
 * start), `"prev"` (the hash of the writer's previous line, null for its first) and
 * `"hash"`, the SHA-256 of the line up to that field. Changing, removing or inserting
 * a line breaks the chain at that line (`tollgate audit verify FILE`); cutting the
 * file's end cannot be seen from the file alone.
 *
 * What a line holds is decided here and only here, field by field, from the
 * RequestRecord: no request header, client key, provider key or Authorization value
 * is ever in a record, so none can reach a line. Request content appears only as
 * `none` (absent) or a SHA-256 `hash` of the body bytes, per policy.
 */
import { hash as digest, randomUUID } from "node:crypto";
import { fsync } from "node:fs";
import { pino } from "pino";
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
  /** The key's name (never the key), or null. */
  key: string | null;
  /** Cost-allocation tags. */
  tags: Readonly<Record<string, string>>;
  /** How the response ended: `complete`, or cut and billed on what was delivered (`upstream_cut`, `client_abandoned`, `guardrail_stopped`). */
  ended: string;
}

/** Longest shutdown waits for the audit file to close. */
const CLOSE_TIMEOUT_MS = 2_000;

/** Longest requested-model string kept (it is client input). */
const MAX_MODEL_CHARS = 200;

/** Implements {@link RequestObserver} for the audit log. */
export class AuditLog implements RequestObserver {
  readonly #destination: ReturnType<typeof pino.destination>;
  readonly #content: PlanAudit["content"];
  readonly #chain = randomUUID();
  #prev: string | null = null;
  readonly #timer: NodeJS.Timeout;

  constructor(settings: PlanAudit) {
    this.#content = settings.content;
    const file = settings.sink === "file";
    this.#destination = pino.destination({ dest: file ? (settings.path ?? "") : 1, sync: false, minLength: BUFFER_BYTES, mkdir: true });
    const doFsync = file && settings.fsync !== false;
    this.#timer = setInterval(() => this.#timedFlush(doFsync), settings.flushMs ?? 1000);
    this.#timer.unref();
  }

  #timedFlush(doFsync: boolean): void {
    const d = this.#destination;
    try {
      d.flush((err) => {
        if (err === undefined || err === null) {
          // SonicBoom keeps its descriptor in `fd` (not in its types).
          const fd = (d as unknown as { fd?: unknown }).fd;
          if (doFsync && typeof fd === "number" && fd > 2) fsync(fd, () => undefined);
        }
      });
    } catch {
      // Not open yet, or already closing: the next tick or close() writes it.
    }
  }

  observe(r: RequestRecord): void {
    if (r.endpoint === "health" || r.endpoint === "readiness" || r.endpoint === "metrics" || r.endpoint === "other") return;
    const body = auditText(r, this.#content, this.#chain, this.#prev);
    const hash = digest("sha256", body, "hex");
    this.#prev = hash;
    this.#destination.write(`${body.slice(0, -1)},"hash":"${hash}"}\n`);
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
    clearInterval(this.#timer);
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

/**
 * The line's JSON text (an {@link AuditLine} after a leading `"type":"audit"`, then the
 * chain fields), written field by field without building the object: the same text as
 * JSON.stringify of that object (audit-log.test.ts holds them equal). Strings go through
 * JSON.stringify (escaping); numbers through `num`.
 */
export function auditText(r: RequestRecord, content: PlanAudit["content"], chain: string, prev: string | null): string {
  const last = r.lastAttempt;
  let attempts = "[";
  const list = r.attempts ?? [];
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    attempts += `${i === 0 ? "" : ","}{"provider":${str(a.target.upstream.name)},"model":${str(a.target.model)},"outcome":${str(a.outcome)},"ms":${num(round(a.ms))}}`;
  }
  attempts += "]";
  return (
    `{"type":"audit","time":"${new Date(r.time).toISOString()}","requestId":${str(r.requestId)},"endpoint":${str(r.endpoint)}` +
    `,"consumer":${strOrNull(r.consumer)},"route":${strOrNull(r.route?.name ?? null)}` +
    `,"requestedModel":${strOrNull(r.requestedModel === null ? null : r.requestedModel.slice(0, MAX_MODEL_CHARS))},"model":${strOrNull(r.model?.name ?? null)}` +
    `,"target":${last === null ? "null" : `{"provider":${str(last.target.upstream.name)},"model":${str(last.target.model)}}`},"attempts":${attempts}` +
    `,"status":${num(r.status)},"stream":${r.stream ? "true" : "false"},"latencyMs":${num(round(r.durationMs))},"ttfbMs":${r.firstByteMs < 0 ? "null" : num(round(r.firstByteMs))}` +
    `,"plan":${str(r.served.linked.hash)},"content":${strOrNull(contentHash(r, content))},"usage":${r.usage === null ? "null" : JSON.stringify(r.usage)}` +
    `,"outputChars":${num(r.outputChars)},"guardrails":${r.guardrails === null ? "null" : JSON.stringify(r.guardrails.toJSON())},"cache":${strOrNull(r.cache)}` +
    `,"key":${strOrNull(r.keyName)},"tags":${JSON.stringify(r.tags)},"ended":${str(r.status === 499 ? "client_abandoned" : (r.cut ?? "complete"))}` +
    `,"chain":${str(chain)},"prev":${strOrNull(prev)}}`
  );
}

/** The request body's SHA-256 when the policy asks for it, else null (one-shot hash: no Hash object per request). */
function contentHash(r: RequestRecord, content: PlanAudit["content"]): string | null {
  return content === "hash" && r.body !== null ? `sha256:${digest("sha256", r.body, "hex")}` : null;
}

const str = (s: string): string => JSON.stringify(s);
const strOrNull = (s: string | null): string => (s === null ? "null" : JSON.stringify(s));
/** A number as JSON writes it (non-finite ones as null). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : "null");

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
