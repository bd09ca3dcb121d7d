/**
 * The OpenTelemetry GenAI metrics (issue #17) scraped from /metrics after real requests
 * through the gateway with the official client: the semantic-convention instruments
 * under their Prometheus names, with the conventions' attributes and the well-known
 * provider names beside the policy's own; time to first token and per output token for
 * streams; the upstream attempts' durations with `error.type`; the Node runtime
 * instruments; and the same instruments, under their OpenTelemetry names, at a local
 * OTLP collector.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parsePrometheusText, type Sample } from "../support/prometheus-text.js";

const KEY = "sk-tg-genai";

describe("OpenTelemetry GenAI metrics", () => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: OpenAI;
  let collector: Server;
  const exports: {
    resourceMetrics: {
      scopeMetrics: { metrics: { name: string; unit: string; histogram?: { dataPoints: { attributes: { key: string; value: { stringValue: string } }[]; count: string }[] } }[] }[];
    }[];
  }[] = [];

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream();
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.url === "/v1/metrics") exports.push(JSON.parse(Buffer.concat(chunks).toString()));
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
    const root = mock.url.replace(/\/v1$/, "");
    const policy = `apiVersion: tollgate/v1
listener: { metrics: true }
providers:
  - { name: primary-openai, kind: openai, baseUrl: "${mock.url}" }
  - { name: claude, kind: anthropic, baseUrl: "${mock.url}" }
  - { name: aws, kind: bedrock, baseUrl: "${root}", bedrock: { region: us-east-1, accessKeyId: env:AKID, secretAccessKey: env:SECRET } }
models:
  - { name: gpt, targets: [{ provider: primary-openai, model: "echo+tokens=8+tps=400" }] }
  - { name: sonnet, targets: [{ provider: claude, model: "echo+tokens=4" }] }
  - { name: nova, targets: [{ provider: aws, model: "echo+tokens=3" }] }
  - { name: failing, targets: [{ provider: primary-openai, model: "echo+status=429" }] }
consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(KEY)} }] }
`;
    const port = (collector.address() as AddressInfo).port;
    gw = await startGateway({
      plan: compileYaml(policy),
      port: 0,
      server: "node",
      env: { AKID: "AKIDEXAMPLE", SECRET: "s", OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_METRIC_EXPORT_INTERVAL: "100000", OTEL_SERVICE_NAME: "tollgate-test" },
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const hi = [{ role: "user" as const, content: "Hello there, how are you?" }];
    await client.chat.completions.create({ model: "gpt", messages: hi });
    for await (const _ of await client.chat.completions.create({ model: "gpt", messages: hi, stream: true })) void _;
    await client.chat.completions.create({ model: "sonnet", messages: hi });
    for await (const _ of await client.chat.completions.create({ model: "nova", messages: hi, stream: true })) void _;
    await client.chat.completions.create({ model: "failing", messages: hi }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 30));
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
    collector?.close();
  });

  async function scrape(): Promise<{ text: string; samples: Sample[] }> {
    const text = await (await request(`${gw.url}/metrics`)).body.text();
    return { text, samples: parsePrometheusText(text) };
  }
  const count = (samples: Sample[], name: string, labels: Record<string, string>): number =>
    samples.filter((s) => s.name === `${name}_count` && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);

  it("exposes the GenAI instruments under their Prometheus names, with the conventions' attributes", async () => {
    const { text, samples } = await scrape();
    for (const name of [
      "gen_ai_client_token_usage",
      "gen_ai_client_operation_duration_seconds",
      "gen_ai_server_request_duration_seconds",
      "gen_ai_server_time_to_first_token_seconds",
      "gen_ai_server_time_per_output_token_seconds",
    ]) {
      expect(text).toContain(`# TYPE ${name} histogram`);
    }
    const tokens = samples.find((s) => s.name === "gen_ai_client_token_usage_sum" && s.labels["gen_ai_request_model"] === "gpt" && s.labels["gen_ai_token_type"] === "output");
    expect(tokens?.labels).toEqual({
      gen_ai_operation_name: "chat",
      gen_ai_provider_name: "openai",
      tollgate_upstream: "primary-openai",
      gen_ai_request_model: "gpt",
      gen_ai_response_model: "echo+tokens=8+tps=400",
      gen_ai_token_type: "output",
    });
    expect(tokens?.value).toBe(16);
    expect(count(samples, "gen_ai_client_token_usage", { gen_ai_request_model: "gpt", gen_ai_token_type: "input" })).toBe(2);
  });

  it("names providers with the well-known values beside the policy's names", async () => {
    const { samples } = await scrape();
    const providers = new Set(
      samples.filter((s) => s.name === "gen_ai_server_request_duration_seconds_count").map((s) => `${s.labels["gen_ai_provider_name"]}/${s.labels["tollgate_upstream"]}`),
    );
    expect([...providers]).toEqual(expect.arrayContaining(["openai/primary-openai", "anthropic/claude", "aws.bedrock/aws"]));
  });

  it("streams get time to first token and time per output token", async () => {
    const { samples } = await scrape();
    expect(count(samples, "gen_ai_server_time_to_first_token_seconds", { gen_ai_request_model: "gpt" })).toBe(1);
    expect(count(samples, "gen_ai_server_time_per_output_token_seconds", { gen_ai_request_model: "gpt" })).toBe(1);
    expect(count(samples, "gen_ai_server_time_to_first_token_seconds", { gen_ai_request_model: "nova", gen_ai_provider_name: "aws.bedrock" })).toBe(1);
    // Non-streamed answers have no first token to time.
    expect(count(samples, "gen_ai_server_time_to_first_token_seconds", { gen_ai_request_model: "sonnet" })).toBe(0);
  });

  it("failures carry error.type, on the request and on the upstream call", async () => {
    const { samples } = await scrape();
    expect(count(samples, "gen_ai_server_request_duration_seconds", { gen_ai_request_model: "failing", error_type: "rate_limited" })).toBe(1);
    expect(count(samples, "gen_ai_client_operation_duration_seconds", { gen_ai_request_model: "failing", error_type: "rate_limited" })).toBeGreaterThanOrEqual(1);
    expect(count(samples, "gen_ai_client_operation_duration_seconds", { gen_ai_request_model: "sonnet", error_type: undefined as unknown as string })).toBe(0);
    expect(samples.some((s) => s.name === "gen_ai_client_operation_duration_seconds_count" && s.labels["gen_ai_request_model"] === "sonnet" && s.labels["error_type"] === "")).toBe(
      true,
    );
  });

  it("exposes the Node runtime instruments: event-loop delay, heap, GC", async () => {
    const { text, samples } = await scrape();
    for (const stat of ["min", "max", "mean", "p50", "p90", "p99"]) expect(text).toContain(`# TYPE nodejs_eventloop_delay_${stat}_seconds gauge`);
    expect(samples.some((s) => s.name === "v8js_memory_heap_used_bytes" && s.labels["v8js_heap_space_name"] === "new_space" && s.value > 0)).toBe(true);
    expect(text).toContain("# TYPE v8js_gc_duration_seconds histogram");
    expect(text).toContain("# TYPE nodejs_eventloop_utilization_ratio gauge");
  });

  it("exports the same instruments as OTLP metrics, under their OpenTelemetry names and attribute keys", async () => {
    await gw.close();
    expect(exports.length).toBeGreaterThanOrEqual(1);
    const metrics = exports.at(-1)!.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    const usage = metrics.find((m) => m.name === "gen_ai.client.token.usage");
    expect(usage?.unit).toBe("{token}");
    const point = usage!.histogram!.dataPoints.find((p) => p.attributes.some((a) => a.key === "gen_ai.request.model" && a.value.stringValue === "sonnet"));
    expect(point?.attributes.map((a) => a.key).sort()).toEqual(
      ["gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "gen_ai.response.model", "gen_ai.token.type", "tollgate.upstream"].sort(),
    );
    const names = metrics.map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "gen_ai.server.request.duration",
        "gen_ai.server.time_to_first_token",
        "gen_ai.server.time_per_output_token",
        "gen_ai.client.operation.duration",
        "v8js.memory.heap.used",
        "nodejs.eventloop.delay.p99",
      ]),
    );
  });
});
