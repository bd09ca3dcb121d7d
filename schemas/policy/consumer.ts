/** Consumers: who may call the gateway, and which models they may use. */
import { z } from "zod";
import { Name, Tags } from "./common.js";

export const ConsumerKey = z
  .strictObject({
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "a key hash is 64 hex digits: the SHA-256 of the key (`tollgate hash-key <key>` prints it)")
      .describe("SHA-256 (hex) of the API key. `tollgate hash-key <key>` prints it."),
    name: z.string().optional().describe("A label for the key: logs, usage records and the ledger name the key by it (never by the key itself)."),
    tags: Tags.optional().describe(
      "Cost-allocation tags of requests made with this key (`project: search`); they add to, and override, the consumer's tags in usage records and the ledger.",
    ),
  })
  .describe("An API key, stored as its SHA-256 digest.");

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
