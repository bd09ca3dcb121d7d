/**
 * Policy unit tests: a request (`given`) and what the gateway must decide for it
 * (`expect`). They are run by `tollgate test` and by every `compile` against the
 * compiled plan, and are never part of the plan.
 */
import { z } from "zod";
import { KeySha256 } from "./consumer.js";
import { Name } from "./common.js";

/** The gateway's rejection codes a test can expect, with their HTTP status. */
export const rejectionCodes = {
  invalid_api_key: 401,
  model_not_allowed: 403,
  model_not_found: 404,
} as const;

export const PolicyTestRequest = z
  .strictObject({
    model: z.string().min(1).describe("The `model` of the request body."),
    consumer: Name.optional().describe("Send the request as this consumer (with one of its keys)."),
    key: z
      .strictObject({ sha256: KeySha256 })
      .optional()
      .describe("Send a key whose SHA-256 is this digest (a digest no consumer has gets 401). Without `consumer` and `key`: no API key."),
    headers: z.record(z.string(), z.string()).optional().describe("Request headers."),
    body: z.record(z.string(), z.unknown()).optional().describe("Other fields of the request body (`messages`, `max_tokens`, …)."),
  })
  .describe("The request under test.");

export const PolicyTestTarget = z
  .strictObject({
    provider: Name.describe("The provider of the first attempt."),
    model: z.string().min(1).optional().describe("The upstream model name of the first attempt."),
    share: z.number().min(0).max(1).optional().describe("The share of requests whose first attempt goes there (0 to 1). Without it, the first attempt must always go there."),
  })
  .describe("Where the first attempt goes.");

export const PolicyTestRejection = z
  .strictObject({
    status: z.union([z.literal(401), z.literal(403), z.literal(404)]).describe("The HTTP status: 401 no or unknown key, 403 model not allowed, 404 no route."),
    code: z
      .enum(Object.keys(rejectionCodes) as [keyof typeof rejectionCodes, ...(keyof typeof rejectionCodes)[]])
      .optional()
      .describe("The error code."),
  })
  .describe("The request is refused.");

export const PolicyTestExpectation = z
  .strictObject({
    route: z.string().min(1).optional().describe("The route that matches: its `name`, `match:<pattern>` for an unnamed route, `model:<name>` for a model's implicit route."),
    model: Name.optional().describe("The public model that serves the request."),
    target: PolicyTestTarget.optional(),
    reject: PolicyTestRejection.optional(),
  })
  .describe("What the gateway decides: a route, model and first target, or a rejection.");

export const PolicyTest = z
  .strictObject({
    name: z.string().min(1).max(200).describe("What the test checks, for reports."),
    given: PolicyTestRequest,
    expect: PolicyTestExpectation,
  })
  .describe("A policy unit test, run by `tollgate test` and by `compile`; never part of the plan.");

export type PolicyTest = z.infer<typeof PolicyTest>;
export type PolicyTestRequest = z.infer<typeof PolicyTestRequest>;
export type PolicyTestExpectation = z.infer<typeof PolicyTestExpectation>;
