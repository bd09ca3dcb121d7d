/**
 * Per-kind provider settings: one optional block per protocol that needs more than a
 * base URL and keys. The compiler checks that a block matches the provider's `kind`
 * and fills the defaults (compiler/providers/).
 */
import { z } from "zod";
import { SecretRef } from "./common.js";

/** A request field name (top-level key of a chat completions body). */
const Param = z.string().regex(/^[a-z_][a-z0-9_]*$/, "a request parameter name such as `max_tokens`");

export const CompatSettings = z
  .strictObject({
    streamUsage: z.boolean().optional().describe("The server honours `stream_options.include_usage` (the gateway then asks for usage on every stream). Default from the catalog."),
    renameParams: z.record(Param, Param).optional().describe("Request fields renamed before sending, e.g. `max_completion_tokens: max_tokens`."),
    dropParams: z.array(Param).optional().describe("Request fields removed before sending (parameters the server rejects)."),
    tools: z.boolean().optional().describe("The server supports tools / function calling. When false, such requests get a clear 400."),
    jsonMode: z.boolean().optional().describe("The server supports `response_format`. When false, such requests get a clear 400."),
    responses: z
      .boolean()
      .optional()
      .describe(
        "The server speaks the Responses API (`POST /responses`): `/v1/responses` requests are passed through as they are instead of translated to chat. Default from the catalog (true for `openai`).",
      ),
  })
  .describe("How an OpenAI-compatible server departs from OpenAI's API; overrides the catalog's quirks for this provider's kind.");

export const AzureSettings = z
  .strictObject({
    apiVersion: z.string().optional().describe("The `api-version` query parameter, e.g. `2024-10-21` (the default), or `v1` for the v1 API (`/openai/v1/…`)."),
  })
  .describe("Azure OpenAI settings. A target's `model` is the deployment name.");

export const AnthropicSettings = z
  .strictObject({
    version: z.string().optional().describe("The `anthropic-version` header. Default `2023-06-01`."),
    maxTokens: z.number().int().positive().optional().describe("`max_tokens` sent when a request has none (Anthropic requires it). Default 4096."),
    beta: z
      .array(z.string().regex(/^[a-z0-9-]+$/))
      .optional()
      .describe("`anthropic-beta` feature flags sent with every request."),
  })
  .describe("Anthropic Messages API settings.");

export const BedrockSettings = z
  .strictObject({
    region: z.string().describe("AWS region, e.g. `us-east-1`: the endpoint and the SigV4 scope."),
    accessKeyId: SecretRef.describe("AWS access key id (a secret reference)."),
    secretAccessKey: SecretRef.describe("AWS secret access key (a secret reference)."),
    sessionToken: SecretRef.optional().describe("AWS session token, for temporary (STS) credentials."),
    maxTokens: z.number().int().positive().optional().describe("`inferenceConfig.maxTokens` when a request sets none. Default: the model's."),
  })
  .describe("AWS Bedrock settings: region and SigV4 credentials.");

export const VertexSettings = z
  .strictObject({
    project: z
      .string()
      .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a Google Cloud project id: 6-30 lower-case letters, digits and hyphens")
      .describe("Google Cloud project id."),
    location: z
      .string()
      .regex(/^[a-z0-9-]+$/, "a region such as `us-central1`, or `global`")
      .describe("Region such as `us-central1`, or `global`."),
    accessToken: SecretRef.describe(
      "OAuth2 access token (a secret reference). Tokens expire hourly: refresh it outside the gateway (e.g. a sidecar writing `gcloud auth print-access-token` to a file); a `file:` reference is re-read when the file changes.",
    ),
    publisher: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .optional()
      .describe("Model publisher in the resource path. Default `google`."),
  })
  .describe("Google Vertex AI settings.");

export type CompatSettings = z.infer<typeof CompatSettings>;
export type AzureSettings = z.infer<typeof AzureSettings>;
export type AnthropicSettings = z.infer<typeof AnthropicSettings>;
export type BedrockSettings = z.infer<typeof BedrockSettings>;
export type VertexSettings = z.infer<typeof VertexSettings>;
