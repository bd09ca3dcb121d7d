/**
 * OTLP metrics export beside the traces: every metric of the gateway's registry, POSTed
 * as OTLP/HTTP JSON (opentelemetry-proto's JSON mapping) every export interval, with
 * cumulative temporality. The GenAI and runtime instruments go out under their
 * OpenTelemetry names, units and attribute keys (`gen_ai.client.token.usage` with
 * `gen_ai.request.model`, …); the gateway's own families under their Prometheus names.
 *
 * Configured the OpenTelemetry way, by environment: `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`
 * (the full URL) or `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/metrics` appended),
 * `OTEL_EXPORTER_OTLP_METRICS_HEADERS` / `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`),
 * `OTEL_METRIC_EXPORT_INTERVAL` (ms, default 60000), `OTEL_SERVICE_NAME`. Only the
 * `http/json` protocol is spoken. Off without an endpoint.
 *
 * Why not the OpenTelemetry SDK: `@opentelemetry/sdk-metrics` 3.x (and the exporters of
 * its line) need Node ≥ 22.15, and the 2.x line that still runs on Node 20 would record
 * every request through its own attribute hashing and aggregation, beside the registry
 * the gateway already keeps cheaply; the wire format is small and stable. Each serving
 * thread exports its own series (`service.instance.id` names the process and thread).
 */
import { threadId } from "node:worker_threads";
import { request } from "undici";
import type { MetricObjectWithValues, MetricValue, Registry } from "prom-client";
import { log } from "../../base/log.js";
import { OTEL_ATTRIBUTE_NAMES, OTEL_INSTRUMENTS } from "./genai-metrics.js";
import { RUNTIME_INSTRUMENTS } from "./runtime-metrics.js";

const TIMEOUT_MS = 10_000;
const LOG_EVERY_MS = 60_000;
const DEFAULT_INTERVAL_MS = 60_000;

/** The export settings read from the environment, or null when export is off. */
export interface OtlpMetricsSettings {
  readonly endpoint: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly intervalMs: number;
  readonly serviceName: string;
}

/** Parses `k=v,k2=v2` (values URL-decoded, as the OpenTelemetry spec says). */
function headersOf(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    try {
      out[pair.slice(0, at).trim().toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // A malformed value is left out rather than sent garbled.
    }
  }
  return out;
}

/** The settings from `env`, or null when no endpoint is set. */
export function otlpMetricsSettings(env: NodeJS.ProcessEnv): OtlpMetricsSettings | null {
  const direct = env["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];
  const base = env["OTEL_EXPORTER_OTLP_ENDPOINT"];
  const endpoint = direct !== undefined && direct !== "" ? direct : base !== undefined && base !== "" ? `${base.replace(/\/$/, "")}/v1/metrics` : null;
  if (endpoint === null || env["OTEL_METRICS_EXPORTER"] === "none") return null;
  const protocol = env["OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"] ?? env["OTEL_EXPORTER_OTLP_PROTOCOL"];
  if (protocol !== undefined && protocol !== "http/json") log("warn", `OTLP metrics: protocol ${protocol} is not supported; exporting http/json`);
  const interval = Number(env["OTEL_METRIC_EXPORT_INTERVAL"]);
  return {
    endpoint,
    headers: { ...headersOf(env["OTEL_EXPORTER_OTLP_HEADERS"]), ...headersOf(env["OTEL_EXPORTER_OTLP_METRICS_HEADERS"]) },
    intervalMs: Number.isFinite(interval) && interval >= 100 ? interval : DEFAULT_INTERVAL_MS,
    serviceName: env["OTEL_SERVICE_NAME"] ?? "tollgate",
  };
}

type Attr = { key: string; value: { stringValue: string } };

function attributes(labels: Readonly<Record<string, string | number | undefined>>, skip?: string): Attr[] {
  const out: Attr[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (key === skip || value === "" || value === undefined) continue;
    out.push({ key: OTEL_ATTRIBUTE_NAMES[key] ?? key, value: { stringValue: String(value) } });
  }
  return out;
}

/** One registry metric in the OTLP JSON mapping (cumulative; times as decimal ns strings). */
export function otlpMetric(m: MetricObjectWithValues<MetricValue<string>>, startNs: string, nowNs: string): Record<string, unknown> | null {
  const otel = OTEL_INSTRUMENTS[m.name] ?? RUNTIME_INSTRUMENTS[m.name];
  const head = { name: otel?.name ?? m.name, description: m.help, unit: otel?.unit ?? "" };
  const point = (labels: Readonly<Record<string, string | number | undefined>>) => ({ attributes: attributes(labels), startTimeUnixNano: startNs, timeUnixNano: nowNs });
  // prom-client types it as its enum; the values are the strings below.
  switch (String(m.type)) {
    case "counter":
      return { ...head, sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: m.values.map((v) => ({ ...point(v.labels), asDouble: v.value })) } };
    case "gauge":
      return { ...head, gauge: { dataPoints: m.values.map((v) => ({ ...point(v.labels), asDouble: v.value })) } };
    case "histogram": {
      // prom-client's values: per series, cumulative `_bucket`s by `le` (ending +Inf), then `_sum` and `_count`.
      const series = new Map<string, { labels: Record<string, string | number>; bounds: number[]; cumulative: number[]; sum: number; count: number }>();
      for (const v of m.values as (MetricValue<string> & { metricName?: string })[]) {
        const labels = { ...v.labels } as Record<string, string | number>;
        const le = labels["le"];
        delete labels["le"];
        const key = JSON.stringify(labels);
        let s = series.get(key);
        if (s === undefined) series.set(key, (s = { labels, bounds: [], cumulative: [], sum: 0, count: 0 }));
        const name = v.metricName ?? "";
        if (name.endsWith("_bucket")) {
          if (le !== "+Inf") s.bounds.push(Number(le));
          s.cumulative.push(v.value);
        } else if (name.endsWith("_sum")) s.sum = v.value;
        else if (name.endsWith("_count")) s.count = v.value;
      }
      const dataPoints = [...series.values()].map((s) => ({
        ...point(s.labels),
        count: String(s.count),
        sum: s.sum,
        bucketCounts: s.cumulative.map((c, i) => String(c - (i === 0 ? 0 : s.cumulative[i - 1]!))),
        explicitBounds: s.bounds,
      }));
      return { ...head, histogram: { aggregationTemporality: 2, dataPoints } };
    }
    default:
      return null;
  }
}

/** Exports `registry` every interval until closed. */
export class OtlpMetricsExporter {
  readonly #registry: Registry;
  readonly #settings: OtlpMetricsSettings;
  readonly #startNs = String(BigInt(Date.now()) * 1_000_000n);
  readonly #timer: NodeJS.Timeout;
  #lastLog = 0;
  /** Exports that reached the collector, and those that failed. */
  exported = 0;
  failed = 0;

  constructor(registry: Registry, settings: OtlpMetricsSettings) {
    this.#registry = registry;
    this.#settings = settings;
    this.#timer = setInterval(() => void this.export(), settings.intervalMs);
    this.#timer.unref();
  }

  /** Sends the current values once; resolves when the collector answered (or the send failed). */
  async export(): Promise<void> {
    const nowNs = String(BigInt(Date.now()) * 1_000_000n);
    const metrics = (await this.#registry.getMetricsAsJSON()).map((m) => otlpMetric(m, this.#startNs, nowNs)).filter((m) => m !== null);
    const resource = {
      attributes: [
        { key: "service.name", value: { stringValue: this.#settings.serviceName } },
        { key: "service.instance.id", value: { stringValue: `${process.pid}-${threadId}` } },
        { key: "telemetry.sdk.name", value: { stringValue: "tollgate" } },
        { key: "telemetry.sdk.language", value: { stringValue: "nodejs" } },
      ],
    };
    const body = JSON.stringify({ resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: "tollgate", version: "1" }, metrics }] }] });
    try {
      const res = await request(this.#settings.endpoint, {
        method: "POST",
        headers: { ...this.#settings.headers, "content-type": "application/json" },
        body,
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
      await res.body.dump();
      if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`collector answered ${res.statusCode}`);
      this.exported++;
    } catch (err) {
      this.failed++;
      const now = Date.now();
      if (now - this.#lastLog >= LOG_EVERY_MS) {
        this.#lastLog = now;
        log("warn", "OTLP metrics export failed", { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** Stops the timer and sends the last values. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.export();
  }
}

/** Starts exporting `registry` when the environment asks for it; null otherwise. */
export function startOtlpMetrics(registry: Registry, env: NodeJS.ProcessEnv): OtlpMetricsExporter | null {
  const settings = otlpMetricsSettings(env);
  return settings === null ? null : new OtlpMetricsExporter(registry, settings);
}
