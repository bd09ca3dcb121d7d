/**
 * The OpenTelemetry GenAI semantic-convention metrics (semconv `gen_ai` metrics), in the
 * gateway's registry under their Prometheus names (the OpenTelemetry → Prometheus
 * translation: dots become underscores, the unit `s` adds `_seconds`, a `{token}`
 * annotation adds nothing, histograms get `_bucket`, `_sum`, `_count`):
 *
 * | instrument | Prometheus | what |
 * |---|---|---|
 * | `gen_ai.client.token.usage` ({token}) | `gen_ai_client_token_usage` | tokens per upstream answer, by `gen_ai.token.type` (`input`, `output`) |
 * | `gen_ai.client.operation.duration` (s) | `gen_ai_client_operation_duration_seconds` | each gateway → upstream attempt |
 * | `gen_ai.server.request.duration` (s) | `gen_ai_server_request_duration_seconds` | each request the gateway served |
 * | `gen_ai.server.time_to_first_token` (s) | `gen_ai_server_time_to_first_token_seconds` | streams: request start to the first byte relayed |
 * | `gen_ai.server.time_per_output_token` (s) | `gen_ai_server_time_per_output_token_seconds` | streams: after the first token, per further output token |
 *
 * Attributes: `gen_ai.operation.name`, `gen_ai.provider.name` (the well-known value of
 * the protocol or vendor: `openai`, `aws.bedrock`, `gcp.vertex_ai`, …),
 * `gen_ai.request.model` (the public model), `gen_ai.response.model` (the upstream
 * model that answered), `error.type` on failures (the error class, or the HTTP status
 * class), and `tollgate.upstream`, the policy's own name of the provider (well-known
 * names are not unique: two OpenAI accounts are both `openai`). Buckets are the
 * conventions' advisory ones. Every label value comes from the plan, never the client.
 */
import type { LinkedUpstream } from "../../plan/linked-plan.js";
import { LightHistogram, type HistogramSeries } from "../../base/light-metrics.js";
import type { RequestRecord } from "../../base/request-record.js";

const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const TPOT_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];

/** Vendors of the catalog whose well-known `gen_ai.provider.name` differs from their kind name. */
const VENDOR_NAMES: Readonly<Record<string, string>> = { mistral: "mistral_ai", openai: "openai", groq: "groq", deepseek: "deepseek" };

/** The well-known `gen_ai.provider.name` of an upstream (its vendor's name where the conventions list none). */
export function wellKnownProvider(upstream: LinkedUpstream): string {
  const o = upstream.options;
  switch (o.adapter) {
    case "anthropic":
      return "anthropic";
    case "bedrock":
      return "aws.bedrock";
    case "gemini":
      return "gcp.gemini";
    case "vertex":
      return "gcp.vertex_ai";
    case "azure-openai":
      return "azure.ai.openai";
    default:
      return VENDOR_NAMES[o.vendor] ?? (o.vendor === "custom" ? "openai_compatible" : o.vendor);
  }
}

/** The OpenTelemetry name of each Prometheus label these families use (for the OTLP export). */
export const OTEL_ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  gen_ai_operation_name: "gen_ai.operation.name",
  gen_ai_provider_name: "gen_ai.provider.name",
  gen_ai_request_model: "gen_ai.request.model",
  gen_ai_response_model: "gen_ai.response.model",
  gen_ai_token_type: "gen_ai.token.type",
  error_type: "error.type",
  tollgate_upstream: "tollgate.upstream",
  v8js_heap_space_name: "v8js.heap.space.name",
  v8js_gc_type: "v8js.gc.type",
};

/** The OpenTelemetry instrument name and unit of each Prometheus family (for the OTLP export). */
export const OTEL_INSTRUMENTS: Readonly<Record<string, { readonly name: string; readonly unit: string }>> = {
  gen_ai_client_token_usage: { name: "gen_ai.client.token.usage", unit: "{token}" },
  gen_ai_client_operation_duration_seconds: { name: "gen_ai.client.operation.duration", unit: "s" },
  gen_ai_server_request_duration_seconds: { name: "gen_ai.server.request.duration", unit: "s" },
  gen_ai_server_time_to_first_token_seconds: { name: "gen_ai.server.time_to_first_token", unit: "s" },
  gen_ai_server_time_per_output_token_seconds: { name: "gen_ai.server.time_per_output_token", unit: "s" },
};

const SERVER_LABELS = ["gen_ai_operation_name", "gen_ai_provider_name", "tollgate_upstream", "gen_ai_request_model", "gen_ai_response_model", "error_type"];

/** The children of one (operation, public model, upstream, upstream model) for answers without error: looked up once, then plain additions. */
export interface GenAiChildren {
  readonly inputTokens: HistogramSeries;
  readonly outputTokens: HistogramSeries;
  readonly requestDuration: HistogramSeries;
  readonly ttft: HistogramSeries;
  readonly tpot: HistogramSeries;
}

export class GenAiMetrics {
  readonly tokenUsage = new LightHistogram(
    "gen_ai_client_token_usage",
    "gen_ai.client.token.usage: tokens of each upstream answer, by gen_ai.token.type (input, output), as the provider reported them.",
    ["gen_ai_operation_name", "gen_ai_provider_name", "tollgate_upstream", "gen_ai_request_model", "gen_ai_response_model", "gen_ai_token_type"],
    TOKEN_BUCKETS,
  );
  readonly operationDuration = new LightHistogram(
    "gen_ai_client_operation_duration_seconds",
    "gen_ai.client.operation.duration: each gateway → upstream attempt, from dispatch to its outcome; error.type names a failure's class.",
    SERVER_LABELS,
    DURATION_BUCKETS,
  );
  readonly requestDuration = new LightHistogram(
    "gen_ai_server_request_duration_seconds",
    "gen_ai.server.request.duration: each request the gateway served, start to last byte; error.type names a failure.",
    SERVER_LABELS,
    DURATION_BUCKETS,
  );
  readonly ttft = new LightHistogram(
    "gen_ai_server_time_to_first_token_seconds",
    "gen_ai.server.time_to_first_token: streams, request start to the first byte relayed to the client.",
    SERVER_LABELS.slice(0, 5),
    TTFT_BUCKETS,
  );
  readonly tpot = new LightHistogram(
    "gen_ai_server_time_per_output_token_seconds",
    "gen_ai.server.time_per_output_token: streams, time after the first token divided by the output tokens after it.",
    SERVER_LABELS.slice(0, 5),
    TPOT_BUCKETS,
  );

  /** Every family, for the registry. */
  get families(): readonly LightHistogram[] {
    return [this.tokenUsage, this.operationDuration, this.requestDuration, this.ttft, this.tpot];
  }

  /** The error-free children of a (public model, upstream, upstream model) on `operation`. */
  children(operation: string, model: string, upstream: LinkedUpstream, upstreamModel: string): GenAiChildren {
    const p = wellKnownProvider(upstream);
    const at = [operation, p, upstream.name, model, upstreamModel] as const;
    return {
      inputTokens: this.tokenUsage.labels(...at, "input"),
      outputTokens: this.tokenUsage.labels(...at, "output"),
      requestDuration: this.requestDuration.labels(...at, ""),
      ttft: this.ttft.labels(...at),
      tpot: this.tpot.labels(...at),
    };
  }

  /**
   * Records a finished request with a plan model: its duration (with `error.type` when it
   * failed), the streams' first-token and per-token times, the answering attempt's
   * tokens, and every attempt's duration. `ok` are the cached error-free children of
   * the answering target (null: look them up).
   */
  observe(r: RequestRecord, operation: string, ok: GenAiChildren | null): void {
    const last = r.lastAttempt;
    const model = r.model?.name ?? "unmatched";
    if (r.attempts !== null) {
      for (const a of r.attempts) {
        if (a.ms < 0) continue;
        const error = a.outcome === "success" ? "" : (a.errorClass ?? a.outcome);
        this.operationDuration.labels(operation, wellKnownProvider(a.target.upstream), a.target.upstream.name, model, a.target.model, error).observe(a.ms / 1000);
      }
    }
    const seconds = r.durationMs / 1000;
    const failed = r.status === 0 || r.status >= 400;
    if (last === null) {
      this.requestDuration.labels(operation, "", "", model, "", failed ? errorTypeOf(r) : "").observe(seconds);
      return;
    }
    if (failed) {
      this.requestDuration.labels(operation, wellKnownProvider(last.target.upstream), last.target.upstream.name, model, last.target.model, errorTypeOf(r)).observe(seconds);
      return;
    }
    const c = ok ?? this.children(operation, model, last.target.upstream, last.target.model);
    c.requestDuration.observe(seconds);
    const usage = r.usage;
    if (usage !== null) {
      c.inputTokens.observe(usage.inputTokens);
      c.outputTokens.observe(usage.outputTokens);
    }
    if (!r.stream || r.firstByteMs < 0) return;
    c.ttft.observe(r.firstByteMs / 1000);
    const after = usage === null ? 0 : usage.outputTokens - 1;
    if (after > 0 && r.durationMs > r.firstByteMs) c.tpot.observe((r.durationMs - r.firstByteMs) / 1000 / after);
  }
}

/** `error.type` of a failed request: the last attempt's error class, or its HTTP status. */
function errorTypeOf(r: RequestRecord): string {
  const cls = r.lastAttempt?.errorClass ?? null;
  if (cls !== null) return cls;
  return r.status === 499 || r.status === 0 ? "aborted" : String(r.status);
}
