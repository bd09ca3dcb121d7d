/**
 * Per-protocol settings of an upstream: what each adapter needs beyond an origin and
 * API keys. One variant per adapter id, discriminated by `adapter` (always equal to
 * the upstream's own `adapter`; the runtime checks it when linking). The compiler
 * fills every field (defaults from the vendor catalog and the policy), so adapters
 * read plain values and never default anything per request.
 *
 * Credentials are secret references here, never values; the runtime resolves them
 * when it links the plan (runtime/plan/link-credentials.ts).
 */
import { z } from "zod";
import { ADAPTER_IDS } from "./constants.js";

/** A secret reference (`env:NAME` or `file:/path`), resolved when the plan is linked. */
const SecretRef = z.string().regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/);

export const PlanAdapterId = z.enum(ADAPTER_IDS);

/**
 * How an OpenAI-compatible server departs from OpenAI's API: catalog data per vendor
 * (schemas/catalog/providers.ts), overridable per provider (`compat:` in the policy).
 */
export const PlanOpenAIQuirks = z.strictObject({
  /**
   * The server honours `stream_options.include_usage`: the gateway asks for the usage
   * chunk on every stream (and hides it from clients that did not ask). When false,
   * usage is read from whatever the stream carries (some servers always send it).
   */
  streamUsage: z.boolean(),
  /** Request fields renamed before sending (e.g. `max_completion_tokens` → `max_tokens`). */
  renameParams: z.record(z.string(), z.string()),
  /** Request fields removed before sending (parameters the server rejects). */
  dropParams: z.array(z.string()),
  /** The server accepts `tools`/`functions`; when false such requests get a 400 from the gateway. */
  tools: z.boolean(),
  /** The server accepts `response_format` (JSON mode / structured output); when false, a 400 from the gateway. */
  jsonMode: z.boolean(),
  /**
   * The server speaks the Responses API (`POST /responses`): `/v1/responses` requests
   * are passed through to it as they are, instead of translated to chat. Absent: false.
   */
  responses: z.boolean().optional(),
});

/** How API keys are sent: header name and value prefix (`authorization` + `Bearer `). */
export const PlanKeyHeader = z.strictObject({
  header: z.string().regex(/^[a-z0-9-]+$/),
  prefix: z.string(),
});

export const PlanOpenAICompatibleOptions = z.strictObject({
  adapter: z.literal("openai-compatible"),
  /** The catalog vendor (`openai`, `groq`, …) or `custom`; for logs and `explain`. */
  vendor: z.string(),
  auth: PlanKeyHeader,
  quirks: PlanOpenAIQuirks,
});

export const PlanAzureOpenAIOptions = z.strictObject({
  adapter: z.literal("azure-openai"),
  /**
   * The dated `api-version` query parameter (e.g. `2024-10-21`), sent on every call to
   * `/openai/deployments/{deployment}/…`. `v1` selects the v1 API instead
   * (`/openai/v1/…`, no api-version, the deployment name in the body's `model`).
   */
  apiVersion: z.string().regex(/^(v1|\d{4}-\d{2}-\d{2}(-preview)?)$/),
  /** Keys go in the `api-key` header (Azure's key auth); Entra tokens go in `authorization` instead. */
  auth: PlanKeyHeader,
  /** Microsoft Entra ID tokens instead of api-keys (absent: api-key). */
  entra: z
    .strictObject({
      /** `client-secret` (a service principal), `managed-identity` (the host's identity: VM, App Service, Container Apps), `workload-identity` (AKS federated tokens). */
      method: z.enum(["client-secret", "managed-identity", "workload-identity"]),
      /** Directory (tenant) id; null: from `AZURE_TENANT_ID`. */
      tenantId: z.string().nullable(),
      /** Application (client) id; null: from `AZURE_CLIENT_ID` (or the system-assigned identity). */
      clientId: z.string().nullable(),
      /** `client-secret`: the secret, a reference. */
      clientSecret: SecretRef.nullable(),
      /** The Entra authority host; null: the public cloud's (or `AZURE_AUTHORITY_HOST`). */
      authorityHost: z.string().nullable(),
    })
    .optional(),
});

export const PlanAnthropicOptions = z.strictObject({
  adapter: z.literal("anthropic"),
  /** The `anthropic-version` header. */
  version: z.string(),
  /** `max_tokens` sent when the request has none (Anthropic requires it). */
  defaultMaxTokens: z.number().int().positive(),
  /** `anthropic-beta` header values, joined with commas; empty for none. */
  beta: z.array(z.string()),
});

export const PlanBedrockOptions = z.strictObject({
  adapter: z.literal("bedrock"),
  /** AWS region, part of the SigV4 scope (and of the default origin). */
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/),
  /**
   * Where the signing credentials come from, through the AWS SDK's own providers:
   * `chain` (the SDK's default chain), `env`, `profile`, `web-identity` (IRSA),
   * `container` (ECS, EKS Pod Identity), `instance` (EC2 metadata). Absent: `keys`,
   * the references below.
   */
  credentials: z.enum(["keys", "chain", "env", "profile", "web-identity", "container", "instance"]).optional(),
  /** `profile`: the shared config profile; absent: `AWS_PROFILE` or `default`. */
  profile: z.string().optional(),
  /** `keys`: the access key id and secret (references); null for the other sources. */
  accessKeyId: SecretRef.nullable(),
  secretAccessKey: SecretRef.nullable(),
  /** For temporary credentials (STS); null for long-lived keys. */
  sessionToken: SecretRef.nullable(),
  /** `max_tokens`-equivalent (`inferenceConfig.maxTokens`) when the request has none; null leaves it to the model. */
  defaultMaxTokens: z.number().int().positive().nullable(),
});

export const PlanGeminiOptions = z.strictObject({
  adapter: z.literal("gemini"),
  /**
   * Always `x-goog-api-key`: the key goes in a header, never in a `?key=` query that
   * ends up in URLs, logs and exception messages (LiteLLM #6963, #8075).
   */
  auth: PlanKeyHeader,
});

export const PlanVertexOptions = z.strictObject({
  adapter: z.literal("vertex"),
  /** Google Cloud project id. */
  project: z.string(),
  /** Region (`us-central1`) or `global`. */
  location: z.string(),
  /** The model publisher in the resource path (`google` for Gemini models). */
  publisher: z.string(),
  /**
   * Where the OAuth2 access token comes from, through Google's auth library: `adc`
   * (Application Default Credentials), `service-account` or `workload-identity` (the
   * JSON of `credentialsFile`), `metadata` (the metadata server). Absent: the
   * `accessToken` reference.
   */
  credentials: z.enum(["access-token", "adc", "service-account", "workload-identity", "metadata"]).optional(),
  /** `service-account` / `workload-identity` (optional for `adc`): the credentials JSON, a reference. */
  credentialsFile: SecretRef.optional(),
  /**
   * An OAuth2 access token (`Authorization: Bearer`), refreshed outside the gateway (a
   * `file:` reference is re-read when the file changes); null with another source.
   */
  accessToken: SecretRef.nullable(),
});

/** The per-protocol settings of an upstream. */
export const PlanAdapterOptions = z.discriminatedUnion("adapter", [
  PlanOpenAICompatibleOptions,
  PlanAzureOpenAIOptions,
  PlanAnthropicOptions,
  PlanBedrockOptions,
  PlanGeminiOptions,
  PlanVertexOptions,
]);

export type PlanAdapterId = z.infer<typeof PlanAdapterId>;
export type PlanAdapterOptions = z.infer<typeof PlanAdapterOptions>;
export type PlanOpenAIQuirks = z.infer<typeof PlanOpenAIQuirks>;
export type PlanKeyHeader = z.infer<typeof PlanKeyHeader>;
export type PlanOpenAICompatibleOptions = z.infer<typeof PlanOpenAICompatibleOptions>;
export type PlanAzureOpenAIOptions = z.infer<typeof PlanAzureOpenAIOptions>;
export type PlanAnthropicOptions = z.infer<typeof PlanAnthropicOptions>;
export type PlanBedrockOptions = z.infer<typeof PlanBedrockOptions>;
export type PlanGeminiOptions = z.infer<typeof PlanGeminiOptions>;
export type PlanVertexOptions = z.infer<typeof PlanVertexOptions>;
/** The options of one adapter id. */
export type PlanOptionsOf<A extends PlanAdapterId> = Extract<PlanAdapterOptions, { adapter: A }>;
