/**
 * A small OTLP/HTTP JSON trace exporter: spans are queued and POSTed in batches (every
 * second, or at once when a batch fills), off the request path. The OpenTelemetry JS
 * SDK would do this too, but its current releases need Node 22 and bring a dependency
 * tree; the wire format (opentelemetry-proto's JSON mapping) is small and stable.
 * A collector that is down costs dropped spans and one log line per minute, never a
 * blocked or failed request.
 */
import { request } from "undici";
import { log } from "../../base/log.js";

/** One attribute value in the OTLP JSON mapping. */
export type OtlpValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

export interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

/** A span in the OTLP JSON mapping (ids in hex, times as decimal strings of ns). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 2 = SERVER, 3 = CLIENT. */
  kind: 2 | 3;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  /** 1 = OK, 2 = ERROR. */
  status: { code: 0 | 1 | 2; message?: string };
}

const BATCH = 512;
const MAX_QUEUE = 8192;
const FLUSH_MS = 1000;
const TIMEOUT_MS = 10_000;
const LOG_EVERY_MS = 60_000;

export interface ExporterOptions {
  endpoint: string;
  serviceName: string;
  headers: Record<string, string>;
}

export class OtlpExporter {
  readonly #opts: ExporterOptions;
  readonly #resource: { attributes: OtlpAttribute[] };
  #queue: OtlpSpan[] = [];
  #timer: NodeJS.Timeout;
  #inflight = new Set<Promise<void>>();
  #lastLog = 0;
  /** Spans dropped because the queue was full or an export failed. */
  dropped = 0;
  exported = 0;

  constructor(opts: ExporterOptions) {
    this.#opts = opts;
    this.#resource = {
      attributes: [
        { key: "service.name", value: { stringValue: opts.serviceName } },
        { key: "telemetry.sdk.name", value: { stringValue: "tollgate" } },
        { key: "telemetry.sdk.language", value: { stringValue: "nodejs" } },
      ],
    };
    this.#timer = setInterval(() => this.flush(), FLUSH_MS);
    this.#timer.unref();
  }

  add(span: OtlpSpan): void {
    if (this.#queue.length >= MAX_QUEUE) {
      this.dropped++;
      return;
    }
    this.#queue.push(span);
    if (this.#queue.length >= BATCH) this.flush();
  }

  /** Sends what is queued (in batches); resolves when those requests ended. */
  flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const spans = this.#queue.splice(0, BATCH);
      const p = this.#send(spans).finally(() => this.#inflight.delete(p));
      this.#inflight.add(p);
    }
    return Promise.all(this.#inflight).then(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #send(spans: OtlpSpan[]): Promise<void> {
    const body = JSON.stringify({
      resourceSpans: [{ resource: this.#resource, scopeSpans: [{ scope: { name: "tollgate", version: "1" }, spans }] }],
    });
    try {
      const res = await request(this.#opts.endpoint, {
        method: "POST",
        headers: { ...this.#opts.headers, "content-type": "application/json" },
        body,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      await res.body.dump();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`collector answered ${res.statusCode}`);
      this.exported += spans.length;
    } catch (err) {
      this.dropped += spans.length;
      const now = Date.now();
      if (now - this.#lastLog >= LOG_EVERY_MS) {
        this.#lastLog = now;
        log("warn", "trace export failed; spans dropped", { collector: hostOf(this.#opts.endpoint), spans: spans.length, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}
