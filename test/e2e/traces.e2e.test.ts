/**
 * OpenTelemetry traces, against both listeners, exported as OTLP/HTTP JSON to a real
 * local collector stub that parses each payload: a request span (SERVER) with the
 * GenAI attributes and one CLIENT child span per upstream attempt; the caller's W3C
 * `traceparent` is honoured (trace id, parent, sampled flag); `sampleRatio: 0` traces
 * nothing without a sampled parent; collector headers come from secret references.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import type { OtlpSpan } from "../../runtime/ops/tracing/otlp-exporter.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { startRecorder, type Recorder } from "../support/webhook-server.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-traces";

interface Payload {
  resourceSpans: { resource: { attributes: { key: string; value: Record<string, unknown> }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

function policy(mockPort: number, collector: string): string {
  return `apiVersion: tollgate/v1
listener:
  traces:
    endpoint: ${collector}
    serviceName: gateway-under-test
    sampleRatio: 0
    headers: { x-collector-key: env:TG_OTEL_KEY }
providers:
  - name: mock
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
models:
  - name: flaky
    targets: [{ provider: mock, model: "echo+status=500" }]
    fallbacks: [{ provider: mock, model: echo }]
consumers:
  - name: team-a
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
}

const attr = (span: OtlpSpan, key: string): unknown => {
  const v = span.attributes.find((a) => a.key === key)?.value as Record<string, unknown> | undefined;
  return v === undefined ? undefined : Object.values(v)[0];
};

describe.each(LISTENERS)("OTLP traces (%s listener)", (server) => {
  let mock: MockUpstream;
  let collector: Recorder<Payload>;
  let gw: Gateway;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    collector = await startRecorder<Payload>("/v1/traces");
    gw = await startGateway({ plan: compileYaml(policy(mock.port, collector.url)), port: 0, server, env: { TG_OTEL_KEY: "collector-secret" } });
  });

  afterAll(async () => {
    await gw?.close();
    await collector?.close();
    await mock?.close();
  });

  const chat = async (headers: Record<string, string>, requestId: string) => {
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", "x-request-id": requestId, ...headers },
      body: JSON.stringify({ model: "flaky", messages: [{ role: "user", content: "trace me" }] }),
    });
    await res.body.dump();
    return res.statusCode;
  };
  const spans = (): OtlpSpan[] => collector.received.flatMap((p) => p.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));

  it("exports a request span and one span per attempt, children of the caller's traceparent", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parent = "00f067aa0ba902b7";
    expect(await chat({ traceparent: `00-${traceId}-${parent}-01` }, `sampled-${server}`)).toBe(200);
    await collector.until(() => spans().filter((s) => s.traceId === traceId).length === 3);
    const mine = spans().filter((s) => s.traceId === traceId);
    const root = mine.find((s) => s.kind === 2)!;
    expect(root.parentSpanId).toBe(parent);
    expect(root.name).toBe("chat flaky");
    expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(attr(root, "gen_ai.operation.name")).toBe("chat");
    expect(attr(root, "gen_ai.request.model")).toBe("flaky");
    expect(attr(root, "gen_ai.response.model")).toBe("echo");
    expect(attr(root, "gen_ai.provider.name")).toBe("mock");
    expect(attr(root, "http.response.status_code")).toBe("200");
    expect(attr(root, "tollgate.fallbacks")).toBe("1");
    expect(attr(root, "tollgate.consumer")).toBe("team-a");
    expect(root.status.code).toBe(1);
    expect(BigInt(root.endTimeUnixNano)).toBeGreaterThan(BigInt(root.startTimeUnixNano));
    const attempts = mine.filter((s) => s.kind === 3);
    expect(attempts.map((s) => [s.name, attr(s, "tollgate.outcome"), s.status.code, s.parentSpanId])).toEqual([
      ["chat echo+status=500", "5xx", 2, root.spanId],
      ["chat echo", "success", 1, root.spanId],
    ]);
    const payload = collector.received.find((p) => p.resourceSpans[0]!.scopeSpans[0]!.spans.some((s) => s.traceId === traceId))!;
    expect(payload.resourceSpans[0]!.resource.attributes).toContainEqual({ key: "service.name", value: { stringValue: "gateway-under-test" } });
    expect(collector.headers.at(-1)?.["x-collector-key"]).toBe("collector-secret");
    expect(JSON.stringify(collector.received)).not.toContain(KEY);
  });

  it("traces nothing for an unsampled parent or, at sampleRatio 0, without a parent", async () => {
    const unsampled = "11111111111111111111111111111111";
    expect(await chat({ traceparent: `00-${unsampled}-2222222222222222-00` }, `unsampled-${server}`)).toBe(200);
    expect(await chat({}, `no-parent-${server}`)).toBe(200);
    const marker = "33333333333333333333333333333333";
    expect(await chat({ traceparent: `00-${marker}-4444444444444444-01` }, `marker-${server}`)).toBe(200);
    // Spans leave in request order within a batch: once the marker arrived, the others would have too.
    await collector.until(() => spans().some((s) => s.traceId === marker));
    expect(spans().some((s) => s.traceId === unsampled)).toBe(false);
    expect(spans().some((s) => attr(s, "tollgate.request_id") === `no-parent-${server}`)).toBe(false);
  });
});
