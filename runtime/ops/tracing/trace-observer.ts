/**
 * Turns finished chat completion requests into OpenTelemetry spans with the GenAI
 * semantic-convention attributes: one SERVER span for the request
 * ("chat {gen_ai.request.model}") and one CLIENT child span per upstream attempt
 * ("chat {upstream model}", with the provider). An incoming W3C `traceparent` makes
 * the request span its child and decides sampling; otherwise `sampleRatio` does.
 * Built only when `listener.traces` is set: without it no observer exists and the
 * request path does not even read the header.
 */
import { randomBytes } from "node:crypto";
import type { PlanListener } from "../../../schemas/plan/plan.js";
import type { PlanTraces } from "../../../schemas/plan/operations.js";
import { log } from "../../base/log.js";
import type { RequestObserver, RequestRecord } from "../../base/request-record.js";
import { resolveSecret } from "../../base/secrets.js";
import { OtlpExporter, type OtlpAttribute, type OtlpSpan } from "./otlp-exporter.js";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export class TraceObserver implements RequestObserver {
  readonly exporter: OtlpExporter;
  readonly #ratio: number;

  constructor(settings: PlanTraces, env: NodeJS.ProcessEnv) {
    const headers: Record<string, string> = {};
    for (const [name, ref] of Object.entries(settings.headers)) {
      const secret = resolveSecret(ref, env);
      if (secret.ok) headers[name.toLowerCase()] = secret.value;
      else log("warn", `traces: header ${name}: ${secret.problem}; sent without it`);
    }
    this.exporter = new OtlpExporter({ endpoint: settings.endpoint, serviceName: settings.serviceName, headers });
    this.#ratio = settings.sampleRatio;
  }

  observe(r: RequestRecord): void {
    if (r.endpoint !== "chat_completions") return;
    const parent = r.traceparent === null ? null : TRACEPARENT.exec(r.traceparent);
    if (parent !== null) {
      if ((parseInt(parent[3]!, 16) & 1) === 0) return;
    } else if (this.#ratio < 1 && Math.random() >= this.#ratio) {
      return;
    }
    const traceId = parent?.[1] ?? randomBytes(16).toString("hex");
    const spanId = randomBytes(8).toString("hex");
    const startNs = BigInt(Math.round(r.time * 1e6));
    const ns = (monotonicMs: number): string => (startNs + BigInt(Math.round((monotonicMs - r.start) * 1e6))).toString();
    const requestModel = r.model?.name ?? r.requestedModel ?? "unknown";
    const last = r.lastAttempt;
    const attrs: OtlpAttribute[] = [
      str("gen_ai.operation.name", "chat"),
      str("gen_ai.request.model", requestModel),
      int("http.response.status_code", r.status),
      bool("gen_ai.request.stream", r.stream),
      str("tollgate.plan", r.served.linked.hash),
      str("tollgate.request_id", r.requestId),
    ];
    if (last !== null) {
      attrs.push(str("gen_ai.response.model", last.target.model), str("gen_ai.provider.name", last.target.upstream.name));
    }
    if (r.route !== null) attrs.push(str("tollgate.route", r.route.name));
    if (r.consumer !== null) attrs.push(str("tollgate.consumer", r.consumer));
    if (r.usage !== null) {
      attrs.push(int("gen_ai.usage.input_tokens", r.usage.inputTokens), int("gen_ai.usage.output_tokens", r.usage.outputTokens));
      if (r.usage.cachedInputTokens > 0) attrs.push(int("gen_ai.usage.cache_read.input_tokens", r.usage.cachedInputTokens));
      if (r.usage.reasoningTokens > 0) attrs.push(int("gen_ai.usage.reasoning.output_tokens", r.usage.reasoningTokens));
    }
    if (r.stream && r.firstByteMs >= 0) attrs.push(dbl("gen_ai.response.time_to_first_chunk", r.firstByteMs / 1000));
    if (r.fallbacks > 0) attrs.push(int("tollgate.fallbacks", r.fallbacks));
    const failed = r.status >= 500;
    if (failed) attrs.push(str("error.type", String(r.status)));
    const server: OtlpSpan = {
      traceId,
      spanId,
      name: `chat ${requestModel}`,
      kind: 2,
      startTimeUnixNano: startNs.toString(),
      endTimeUnixNano: ns(r.start + r.durationMs),
      attributes: attrs,
      status: { code: failed ? 2 : r.status === 499 ? 0 : 1 },
    };
    if (parent !== null) server.parentSpanId = parent[2]!;
    this.exporter.add(server);
    for (const a of r.attempts ?? []) {
      const ok = a.outcome === "success";
      const attempt: OtlpSpan = {
        traceId,
        spanId: randomBytes(8).toString("hex"),
        parentSpanId: spanId,
        name: `chat ${a.target.model}`,
        kind: 3,
        startTimeUnixNano: ns(a.startedAt),
        endTimeUnixNano: ns(a.startedAt + Math.max(0, a.ms)),
        attributes: [
          str("gen_ai.operation.name", "chat"),
          str("gen_ai.request.model", a.target.model),
          str("gen_ai.provider.name", a.target.upstream.name),
          str("tollgate.outcome", a.outcome),
          ...(ok ? [] : [str("error.type", a.outcome)]),
        ],
        status: { code: ok ? 1 : 2 },
      };
      this.exporter.add(attempt);
    }
  }

  close(): Promise<void> {
    return this.exporter.close();
  }
}

/** The observer for the plan's trace settings, or null when traces are off. */
export function createTraceObserver(listener: PlanListener, env: NodeJS.ProcessEnv): TraceObserver | null {
  return listener.traces === undefined ? null : new TraceObserver(listener.traces, env);
}

function str(key: string, v: string): OtlpAttribute {
  return { key, value: { stringValue: v } };
}
function int(key: string, v: number): OtlpAttribute {
  return { key, value: { intValue: String(Math.trunc(v)) } };
}
function dbl(key: string, v: number): OtlpAttribute {
  return { key, value: { doubleValue: v } };
}
function bool(key: string, v: boolean): OtlpAttribute {
  return { key, value: { boolValue: v } };
}
