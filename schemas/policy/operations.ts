/**
 * Operational listener settings: graceful shutdown, the admin listener, where
 * `/metrics` is served and the audit log. They live under `listener` because they
 * describe how the gateway serves, not what it routes.
 */
import { z } from "zod";
import { Duration, SecretRef } from "./common.js";

export const Shutdown = z
  .strictObject({
    grace: Duration.optional().describe(
      "After SIGTERM, how long the listener keeps accepting connections while /readyz already answers 503, so load balancers notice. Default 5s.",
    ),
    deadline: Duration.optional().describe("After the grace, how long in-flight requests (streams included) get to finish before they are ended with an error. Default 30s."),
  })
  .describe("Graceful shutdown on SIGTERM.");

export const Admin = z
  .strictObject({
    host: z.string().min(1).optional().describe("Admin listen address. Default 127.0.0.1 (loopback only)."),
    port: z.number().int().min(0).max(65535).describe("Admin listen port (`tollgate serve --admin-port` overrides it)."),
    token: SecretRef.describe("The admin bearer token, as a secret reference; every admin request must send `Authorization: Bearer <token>`."),
  })
  .describe("The admin listener: a separate port for reload, plan info and metrics. Off unless set.");

export const Audit = z
  .strictObject({
    sink: z.enum(["stdout", "file"]).describe("Where audit lines go."),
    path: z.string().min(1).optional().describe("The file audit lines are appended to (required when sink is `file`)."),
    content: z.enum(["none", "hash"]).optional().describe("Request content in the audit line: `none`, or its SHA-256 `hash`. Default none."),
    flush: Duration.optional().describe("Longest a finished request's line waits in memory before it is written to the file. Default 1s."),
    fsync: z
      .boolean()
      .optional()
      .describe("fsync the file after each timed flush, so lines survive a machine crash too (not only a process crash). Default true for `sink: file`."),
  })
  .describe("The audit log: one JSON line per finished API request, each chaining the hash of the line before it (`tollgate audit verify`). Off unless set.");

export const Tls = z
  .strictObject({
    cert: z.string().min(1).describe("PEM certificate chain file of the client listener (read at start, re-read when it changes)."),
    key: z.string().min(1).describe("PEM private key file of the client listener (read at start, re-read when it changes)."),
  })
  .describe("Serve the client listener over TLS (HTTPS). Off unless set.");

export const Traces = z
  .strictObject({
    endpoint: z.string().url().describe("OTLP/HTTP traces endpoint, e.g. `http://otel-collector:4318/v1/traces` (JSON encoding)."),
    serviceName: z.string().min(1).optional().describe("`service.name` of the spans. Default tollgate."),
    sampleRatio: z.number().min(0).max(1).optional().describe("Share of requests traced (a request with a sampled `traceparent` is always traced). Default 1."),
    headers: z.record(z.string(), SecretRef).optional().describe("Headers sent to the collector, as secret references (e.g. a vendor API key)."),
  })
  .describe("OpenTelemetry traces of API requests with GenAI attributes, exported as OTLP/HTTP JSON. Off unless set.");

const AlertRule = z
  .strictObject({
    name: z.string().min(1).max(128).describe("The rule's name, in notifications and /admin/alerts."),
    successRate: z
      .strictObject({ below: z.number().min(0).max(1) })
      .optional()
      .describe("Fire when the share of successful API requests over the window is below this (0…1)."),
    p95Latency: z.strictObject({ above: Duration }).optional().describe("Fire when the 95th percentile request latency over the window is above this."),
    spendRate: z.strictObject({ above: z.number().positive() }).optional().describe("Fire when spend over the window, in USD per hour, is above this."),
    window: Duration.optional().describe("The span the condition is measured over. Default 5m."),
    minRequests: z.number().int().min(0).optional().describe("Success-rate and latency rules hold their fire below this many requests in the window. Default 10."),
  })
  .describe("One alert rule: exactly one of successRate, p95Latency, spendRate.");

export const Alerts = z
  .strictObject({
    webhook: z
      .union([SecretRef, z.string().min(1)])
      .describe("URL the alert notifications are POSTed to (JSON), or a secret reference holding it (webhook URLs often carry a token)."),
    interval: Duration.optional().describe("How often the rules are evaluated. Default 15s."),
    cooldown: Duration.optional().describe("After a notification, how long a rule that keeps firing stays quiet. Default 10m."),
    rules: z.array(AlertRule).min(1).describe("The rules."),
  })
  .describe("Alert rules evaluated by the runtime, sent to a webhook and shown at GET /admin/alerts. Off unless set.");

export const UpstreamTls = z
  .strictObject({
    ca: z.string().min(1).optional().describe("PEM file of the CA(s) that sign the provider's certificate, instead of the system store."),
    serverName: z.string().min(1).optional().describe("Name the certificate must carry (SNI), when it differs from the URL's host."),
  })
  .describe("How the provider's TLS certificate is verified (it always is).");

export const Concurrency = z
  .strictObject({
    max: z.number().int().positive().describe("Most requests in flight to this provider at once, across all worker threads."),
    queue: z.number().int().min(0).optional().describe("Requests that may wait for a free slot; more are refused at once. Default: `max`."),
    queueTimeout: Duration.optional().describe("Longest wait for a slot before a 503 with `retry-after`. Default 1s."),
  })
  .describe("A limit on concurrent upstream requests; excess requests wait briefly, then get 503.");
