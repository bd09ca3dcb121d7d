/**
 * The root of a policy document. Several documents (files) merge into one gateway:
 * each list concatenates, and a name defined twice is an error.
 */
import { z } from "zod";
import { Classifier } from "./classifier.js";
import { Constraint } from "./constraint.js";
import { Consumer } from "./consumer.js";
import { GuardrailSet } from "./guardrail.js";
import { Limits } from "./limits.js";
import { Listener } from "./listener.js";
import { Model } from "./model.js";
import { PolicyTest } from "./policy-test.js";
import { Template } from "./prompts.js";
import { Quota, Stores } from "./quota.js";
import { CostTags } from "./cost-tags.js";
import { Pool } from "./pool.js";
import { Provider } from "./provider.js";
import { Route } from "./route.js";
import { SecretDeclaration } from "./secret.js";

export const GatewayPolicy = z
  .strictObject({
    apiVersion: z.literal("tollgate/v1").describe("The policy language version."),
    listener: Listener.optional(),
    providers: z.array(Provider).optional(),
    pools: z.array(Pool).optional().describe("Pools of self-hosted GPU endpoints; model targets name a pool like a provider."),
    models: z.array(Model).optional(),
    routes: z.array(Route).optional(),
    classifiers: z.array(Classifier).optional().describe("Content classifiers that routes match on (`match.classifier`)."),
    consumers: z.array(Consumer).optional(),
    guardrails: z.array(GuardrailSet).optional().describe("Named guardrail sets (PII, deny lists, injection heuristics, limits, moderation), attached by routes and models."),
    secrets: z.array(SecretDeclaration).optional().describe("The environment variables this policy's `env:` references may name; when given, every one must be declared."),
    limits: Limits.optional(),
    templates: z.array(Template).optional().describe("Prompt templates clients name in `template`, rendered by the gateway."),
    quotas: z
      .array(Quota)
      .optional()
      .describe("Quotas and budgets: limits on requests, tokens, spend, seconds of audio or characters of speech per window, enforced before the upstream call."),
    stores: Stores.optional(),
    costTags: CostTags.optional(),
    constraints: z.array(Constraint).optional().describe("Compliance rules checked on every path a request can take."),
    tests: z.array(PolicyTest).optional().describe("Policy unit tests, run by `tollgate test` and by `compile`; never part of the plan."),
  })
  .describe("A Tollgate gateway policy.");

export type GatewayPolicy = z.infer<typeof GatewayPolicy>;
