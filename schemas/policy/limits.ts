/**
 * Ceilings on what one request may cost in the worst case, proven at compile time
 * from timeouts, fallback orders and prices. Set once for the gateway and/or per model
 * (a model's fields override the gateway's).
 */
import { z } from "zod";
import { Duration } from "./common.js";

export const AssumedTokens = z
  .strictObject({
    input: z.number().int().positive().max(100_000_000).optional().describe("Prompt tokens per attempt. Default 4096."),
    output: z.number().int().positive().max(100_000_000).optional().describe("Completion tokens per attempt. Default 4096."),
  })
  .describe("The request size the worst-case cost assumes, for every attempt.");

export const Limits = z
  .strictObject({
    maxWorstCaseLatency: Duration.optional().describe("Error when the sum of the `timeouts.total` of every attempt a request can make exceeds this."),
    maxWorstCaseCost: z.number().positive().finite().optional().describe("Error (USD) when one request billed on every attempt at `assumedTokens` could cost more than this."),
    assumedTokens: AssumedTokens.optional(),
  })
  .describe("Worst-case ceilings per request, checked by `tollgate check`.");

export type Limits = z.infer<typeof Limits>;
