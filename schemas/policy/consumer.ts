/** Consumers: who may call the gateway, and which models they may use. */
import { z } from "zod";
import { Name, Tags } from "./common.js";

/** An ISO 8601 date (`2026-12-31`, midnight UTC) or date and time with a zone (`2026-12-31T18:00:00Z`, `…+08:00`). */
export const KeyExpiry = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/,
    "an ISO 8601 date (`2026-12-31`) or date and time with a zone (`2026-12-31T18:00:00Z`)",
  )
  .refine((v) => !Number.isNaN(Date.parse(v)), "not a real date")
  .describe(
    "When the key stops working (401 `api_key_expired`): an ISO 8601 date (midnight UTC) or date and time with a zone. `tollgate check` warns when it has passed or is near.",
  );

/** The SHA-256 (hex) of an API key. */
export const KeySha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "a key hash is 64 hex digits: the SHA-256 of the key (`tollgate hash-key <key>` prints it)")
  .describe("SHA-256 (hex) of the API key, unkeyed (the former form: prefer `hmac`). `tollgate hash-key <key>` prints it.");

export const ConsumerKey = z
  .strictObject({
    sha256: KeySha256.optional(),
    hmac: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "a keyed key digest is 64 hex digits: `tollgate hash-key --hmac <key>` prints it")
      .optional()
      .describe(
        "HMAC-SHA256, keyed with `listener.apiKeys.hmacSecret`, of the key's SHA-256 (hex). `tollgate hash-key --hmac <key>` prints it; `tollgate hash-key --hmac --from-sha256 <digest>` turns an existing `sha256` entry into this form without the key.",
      ),
    name: z.string().optional().describe("A label for the key: logs, usage records and the ledger name the key by it (never by the key itself)."),
    expiresAt: KeyExpiry.optional(),
    tags: Tags.optional().describe(
      "Cost-allocation tags of requests made with this key (`project: search`); they add to, and override, the consumer's tags in usage records and the ledger.",
    ),
  })
  .refine((k) => (k.sha256 === undefined) !== (k.hmac === undefined), { message: "give the key's digest as exactly one of `hmac` or `sha256`" })
  .describe("An API key, stored as a digest: keyed (`hmac`) or the former unkeyed SHA-256 (`sha256`).");

export const Consumer = z
  .strictObject({
    name: Name.describe("The consumer's name, for logs."),
    keys: z.array(ConsumerKey).min(1).describe("The consumer's API keys."),
    models: z
      .array(z.union([Name, z.literal("*")]))
      .optional()
      .describe("Public models this consumer may use; `*` or omitted: all."),
    team: Name.optional().describe("The consumer's team: matched by routes (`match.team`), and for team-scoped quotas and the usage ledger."),
    tags: Tags.optional().describe("Labels such as `region: eu`: matched by constraints, and carried as cost-allocation tags by every usage record and the ledger."),
  })
  .describe("A caller identified by API key.");

export type Consumer = z.infer<typeof Consumer>;
