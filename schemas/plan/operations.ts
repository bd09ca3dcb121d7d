/**
 * Plan form of the operational listener settings (see schemas/policy/operations.ts):
 * durations in ms, defaults applied, secrets still references.
 */
import { z } from "zod";

/** A secret reference, resolved by the runtime; never a value. Same form as in plan.ts. */
const SecretRef = z.string().regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/);

export const PlanShutdown = z.strictObject({
  /** After SIGTERM: ms the listener keeps accepting while /readyz answers 503. */
  graceMs: z.number().int().min(0),
  /** After the grace: ms in-flight requests get before they are ended with an error. */
  deadlineMs: z.number().int().min(0),
});

export const PlanAdmin = z.strictObject({
  /** Listen address of the admin listener. */
  host: z.string(),
  /** Listen port of the admin listener (0: any free port). */
  port: z.number().int().min(0).max(65535),
  /** Secret reference of the admin bearer token. */
  token: SecretRef,
});

export const PlanAudit = z.strictObject({
  sink: z.enum(["stdout", "file"]),
  /** The file appended to when `sink` is "file"; null for stdout. */
  path: z.string().nullable(),
  /** How request content appears in an audit line: not at all, or as a SHA-256 digest. */
  content: z.enum(["none", "hash"]),
  /** Longest a line waits in memory, ms; absent: 1000. */
  flushMs: z.number().int().positive().optional(),
  /** fsync after each timed flush; absent: true for a file. */
  fsync: z.boolean().optional(),
});

export type PlanShutdown = z.infer<typeof PlanShutdown>;
export type PlanAdmin = z.infer<typeof PlanAdmin>;
export type PlanAudit = z.infer<typeof PlanAudit>;

/** TLS of the client listener: file paths, read by the runtime (and re-read when they change). */
export const PlanTls = z.strictObject({
  certFile: z.string(),
  keyFile: z.string(),
});

/** OTLP/HTTP JSON trace export. */
export const PlanTraces = z.strictObject({
  endpoint: z.string(),
  serviceName: z.string(),
  /** 0…1: share of requests traced when no sampled parent says otherwise. */
  sampleRatio: z.number().min(0).max(1),
  /** Header name → secret reference. */
  headers: z.record(z.string(), SecretRef),
});

/** One alert rule, with its condition kind and threshold in base units (ratio, ms, USD/hour). */
export const PlanAlertRule = z.strictObject({
  name: z.string(),
  kind: z.enum(["success-rate-below", "p95-latency-above", "spend-rate-above"]),
  threshold: z.number(),
  windowMs: z.number().int().positive(),
  minRequests: z.number().int().min(0),
});

export const PlanAlerts = z.strictObject({
  /** A URL, or a secret reference that holds one. */
  webhook: z.string(),
  intervalMs: z.number().int().positive(),
  cooldownMs: z.number().int().min(0),
  rules: z.array(PlanAlertRule).min(1),
});

/** How an upstream's certificate is verified. */
export const PlanUpstreamTls = z.strictObject({
  /** PEM CA file replacing the system store, or null. */
  caFile: z.string().nullable(),
  /** SNI / certificate name when it differs from the origin's host, or null. */
  serverName: z.string().nullable(),
});

/** A limit on concurrent requests to one upstream, shared by all worker threads. */
export const PlanConcurrency = z.strictObject({
  max: z.number().int().positive(),
  /** Requests that may wait (per worker thread) for a slot. */
  queue: z.number().int().min(0),
  queueTimeoutMs: z.number().int().positive(),
});

export type PlanTls = z.infer<typeof PlanTls>;
export type PlanTraces = z.infer<typeof PlanTraces>;
export type PlanAlertRule = z.infer<typeof PlanAlertRule>;
export type PlanAlerts = z.infer<typeof PlanAlerts>;
export type PlanUpstreamTls = z.infer<typeof PlanUpstreamTls>;
export type PlanConcurrency = z.infer<typeof PlanConcurrency>;
