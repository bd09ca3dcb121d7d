/**
 * Reliability settings of the policy language: per-provider health (passive circuit
 * breaking, active probes) and key weights, per-model retries, attempt budget,
 * deadline, hedging and the degraded last-resort answer. Spread into `Provider` and
 * `Model` so that authors write them as plain fields of those objects.
 */
import { z } from "zod";
import { ErrorClassName } from "../plan/error-class.js";
import { Duration } from "./common.js";

/** A list of error classes, e.g. `[rate_limited, server, timeout]`. */
export const ErrorClasses = z
  .array(ErrorClassName)
  .min(1)
  .describe(
    "Error classes: `rate_limited`, `overloaded`, `server` (5xx), `timeout`, `connect`, `interrupted`, `auth` (401/403), `context_too_long`, `content_filtered`, `bad_request`.",
  );

export const ErrorRate = z
  .strictObject({
    threshold: z.number().gt(0).max(1).describe("Eject when the share of failed attempts in the window reaches this (0–1)."),
    window: Duration.optional().describe("The sliding window the rate is measured over. Default 30s."),
    minRequests: z.number().int().positive().max(1_000_000).optional().describe("Fewest attempts in the window before the rate counts. Default 20."),
  })
  .describe("Eject on an error rate over a sliding window.");

export const Probe = z
  .strictObject({
    interval: Duration.describe("Time between two probes of the provider."),
    timeout: Duration.optional().describe("A probe slower than this fails. Default 2s."),
    path: z
      .string()
      .regex(/^\/[^\s]*$/, "a probe path starts with `/`")
      .optional()
      .describe("Path probed with GET, relative to the base URL's origin. Default: `<base path>/models`."),
  })
  .describe("Active health probe: a GET on an interval; a failure counts as a failed attempt, a success closes an open breaker.");

export const Health = z
  .strictObject({
    consecutiveFailures: z.number().int().positive().max(1000).optional().describe("Eject after this many failed attempts in a row. Default 5."),
    errorRate: ErrorRate.optional(),
    cooldown: Duration.optional().describe("How long the first ejection lasts; each repeated ejection doubles it. Default 10s."),
    maxCooldown: Duration.optional().describe("Longest cool-down of a repeatedly ejected provider. Default 5m."),
    keyCooldown: Duration.optional().describe("How long an API key answered with 401/403 stays out (doubling on repeats, up to `maxCooldown`). Default 5m."),
    probe: Probe.optional(),
  })
  .describe("Circuit breaker of the provider (closed → open for a cool-down → half-open trial → closed).");

/** Provider fields added by the reliability settings. */
export const ProviderReliability = z.object({
  keyWeights: z
    .array(z.number().nonnegative().finite())
    .optional()
    .describe("Weights of `apiKeys`, same order and length (default: equal). A key answered with 401/403 is taken out; a 429 moves to the next key."),
  health: Health.optional(),
});

export const Backoff = z
  .strictObject({
    base: Duration.optional().describe("Backoff ceiling of the first retry; doubles each retry (full jitter: a random delay up to the ceiling). Default 250ms."),
    max: Duration.optional().describe("Largest backoff ceiling. Default 10s."),
  })
  .describe("Exponential backoff with full jitter between retries of the same target.");

export const Retry = z
  .strictObject({
    attempts: z.number().int().min(0).max(10).describe("Retries of the same target before moving on."),
    on: ErrorClasses.optional().describe("Error classes retried on the same target. Default: rate_limited, overloaded, server, timeout, connect, interrupted."),
    backoff: Backoff.optional(),
    maxRetryAfter: Duration.optional().describe("A `retry-after` up to this is waited for before the retry; a longer one moves on at once. Default 30s."),
  })
  .describe("Retries of the same target, before the attempt order moves on.");

export const Hedge = z
  .strictObject({
    delay: Duration.describe("When the first target has no first token after this, the next candidate starts too; the first to answer wins, the other is cancelled."),
  })
  .describe("Hedged requests: race the next candidate against a slow first target.");

export const Degraded = z
  .strictObject({
    status: z
      .number()
      .int()
      .refine((s) => s === 200 || (s >= 400 && s <= 599), "status is 200 (an assistant message) or an error status from 400 to 599")
      .describe("200 answers with an assistant message holding `message`; 4xx/5xx with an OpenAI error holding it."),
    message: z.string().min(1).max(4096).describe("The fixed text of the answer."),
    on: ErrorClasses.optional().describe("The failures of the last attempt that lead to this answer. Default: as fallbacks (not bad_request, context_too_long, content_filtered)."),
  })
  .describe("The last resort when every attempt failed: a fixed answer, so the application keeps working.");

/** Model fields added by the reliability settings. */
export const ModelReliability = z.object({
  retry: Retry.optional(),
  maxAttempts: z.number().int().positive().max(100).optional().describe("Most upstream attempts one request may make (retries, fallbacks and hedges together)."),
  deadline: Duration.optional().describe("Total time one request may take across all its attempts and backoffs."),
  hedge: Hedge.optional(),
  degraded: Degraded.optional(),
});

export type Health = z.infer<typeof Health>;
export type Retry = z.infer<typeof Retry>;
export type Degraded = z.infer<typeof Degraded>;
