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
    auth: z
      .enum(["api-key", "client-secret", "managed-identity", "workload-identity"])
      .optional()
      .describe(
        "How the gateway authenticates: `api-key` (the provider's `apiKeys`, the default), or a Microsoft Entra ID token from Azure's identity library: `client-secret` (a service principal: `tenantId`, `clientId`, `clientSecret`), `managed-identity` (the host's identity; `clientId` for a user-assigned one), `workload-identity` (AKS: `AZURE_FEDERATED_TOKEN_FILE`, `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`). Tokens are refreshed before they expire.",
      ),
    tenantId: z.string().optional().describe("Entra directory (tenant) id. Default `AZURE_TENANT_ID`."),
    clientId: z.string().optional().describe("Entra application (client) id. Default `AZURE_CLIENT_ID`."),
    clientSecret: SecretRef.optional().describe("`client-secret`: the client secret (a secret reference)."),
    authorityHost: z.string().url().optional().describe("The Entra authority host, for sovereign clouds. Default the public cloud (or `AZURE_AUTHORITY_HOST`)."),
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
    credentials: z
      .enum(["keys", "chain", "env", "profile", "web-identity", "container", "instance"])
      .optional()
      .describe(
        "Where the SigV4 credentials come from, through the AWS SDK's credential providers: `keys` (`accessKeyId`/`secretAccessKey`, the default when they are given), `chain` (the SDK's default chain), `env` (`AWS_ACCESS_KEY_ID`…), `profile` (shared config/credentials files), `web-identity` (IRSA: `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`), `container` (ECS task role, EKS Pod Identity), `instance` (EC2 instance metadata). Temporary credentials are refreshed before they expire.",
      ),
    profile: z
      .string()
      .regex(/^[A-Za-z0-9_.+-]+$/)
      .optional()
      .describe("`credentials: profile`: the profile name. Default `AWS_PROFILE`, else `default`."),
    accessKeyId: SecretRef.optional().describe("AWS access key id (a secret reference), for `credentials: keys`."),
    secretAccessKey: SecretRef.optional().describe("AWS secret access key (a secret reference), for `credentials: keys`."),
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
    credentials: z
      .enum(["access-token", "adc", "service-account", "workload-identity", "metadata"])
      .optional()
      .describe(
        "Where the OAuth2 token comes from, through Google's auth library: `access-token` (the `accessToken` reference, the default when it is given), `adc` (Application Default Credentials: `GOOGLE_APPLICATION_CREDENTIALS`, gcloud's, or the metadata server), `service-account` or `workload-identity` (the JSON key or external-account configuration of `credentialsFile`), `metadata` (the GCE/GKE metadata server). Tokens are refreshed before they expire.",
      ),
    credentialsFile: SecretRef.optional().describe(
      "For `service-account` and `workload-identity` (optional for `adc`): the credentials JSON, a secret reference (`file:/var/run/secrets/sa.json`).",
    ),
    accessToken: SecretRef.optional().describe(
      "OAuth2 access token (a secret reference), for `credentials: access-token`. Tokens expire hourly: refresh it outside the gateway (e.g. a sidecar writing `gcloud auth print-access-token` to a file); a `file:` reference is re-read when the file changes.",
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
