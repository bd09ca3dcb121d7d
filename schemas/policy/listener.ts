/** Listener settings: limits applied to every request before it is routed. */
import { z } from "zod";
import { Duration, SecretRef, Size } from "./common.js";
import { Admin, Alerts, Audit, Shutdown, Tls, Traces } from "./operations.js";

export const Listener = z
  .strictObject({
    maxBodyBytes: Size.optional().describe("Largest request body accepted (413 above). Default 4MiB."),
    maxAudioBytes: Size.optional().describe("Largest audio upload accepted by /v1/audio/transcriptions (413 above). Default 25MiB, OpenAI's own limit."),
    maxJsonDepth: z.number().int().min(2).max(1024).optional().describe("Deepest JSON nesting accepted (400 above), checked before parsing. Default 64."),
    requestTimeout: Duration.optional().describe(
      "Every request ends within this time from its arrival: an answer not started by then is a 504, a stream still running ends with an error event, and the connection closes. Default: the longest worst-case latency of any model (its attempts, retries and backoffs) plus 1m.",
    ),
    shutdown: Shutdown.optional(),
    metrics: z.boolean().optional().describe("Also serve GET /metrics on this listener (it is always served on the admin listener). Default false."),
    admin: Admin.optional(),
    audit: Audit.optional(),
    tls: Tls.optional(),
    traces: Traces.optional(),
    alerts: Alerts.optional(),
    apiKeys: z
      .strictObject({
        hmacSecret: SecretRef.describe(
          "The server secret that keys consumers' `hmac` digests (HMAC-SHA256 of each key's SHA-256): a leaked policy or plan then gives no offline way to test guessed keys.",
        ),
        expiryWarning: Duration.optional().describe("`tollgate check` warns about keys expiring within this long. Default 336h (14 days)."),
      })
      .optional()
      .describe("How consumers' API keys are checked."),
  })
  .describe("Limits applied to every request.");

export type Listener = z.infer<typeof Listener>;
