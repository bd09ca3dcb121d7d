/**
 * A policy provider's `kind` and per-kind settings → the plan's adapter id, base URL
 * and adapter options, with every default filled from the vendor catalog
 * (schemas/catalog/providers.ts). Reports settings that do not fit the kind, and
 * settings a kind cannot work without, at the node the author wrote (TG60xx).
 */
import { PROVIDER_KINDS, type ProviderKindName } from "../../schemas/catalog/providers.js";
import type { Provider } from "../../schemas/policy/provider.js";
import type { PlanAdapterId, PlanAdapterOptions, PlanOpenAIQuirks } from "../../schemas/plan/protocols.js";
import { type CompileContext, child } from "../context.js";
import type { Located } from "../ir.js";

/** Defaults of the per-kind settings. */
export const PROTOCOL_DEFAULTS = {
  azureApiVersion: "2024-10-21",
  anthropicVersion: "2023-06-01",
  anthropicMaxTokens: 4096,
  vertexPublisher: "google",
} as const;

/** What the plan needs from a provider's kind. */
export interface ResolvedProtocol {
  readonly adapter: PlanAdapterId;
  readonly vendor: ProviderKindName;
  /** The base URL to split (written, or the catalog's/derived default). */
  readonly baseUrl: string;
  readonly options: PlanAdapterOptions;
  /** Every secret reference the provider's calls need (keys and per-kind credentials). */
  readonly credentialRefs: readonly string[];
}

/** The settings blocks and the adapters each applies to. */
const BLOCKS = {
  compat: ["openai-compatible"],
  azure: ["azure-openai"],
  anthropic: ["anthropic"],
  bedrock: ["bedrock"],
  vertex: ["vertex"],
} as const satisfies Record<string, readonly PlanAdapterId[]>;

/** Fields the gateway itself reads from a chat request: never renamed or dropped. */
const CORE_PARAMS: ReadonlySet<string> = new Set(["model", "messages", "stream"]);

/** Resolves the provider's protocol; undefined after reporting why it cannot be used. */
export function resolveProtocol({ value: p, at }: Located<Provider>, ctx: CompileContext): ResolvedProtocol | undefined {
  const kind = PROVIDER_KINDS[p.kind];
  const adapter = kind.adapter;
  let ok = true;
  for (const [block, adapters] of Object.entries(BLOCKS) as [keyof typeof BLOCKS, readonly PlanAdapterId[]][]) {
    if (p[block] === undefined || adapters.includes(adapter)) continue;
    const kinds = Object.entries(PROVIDER_KINDS)
      .filter(([, k]) => adapters.includes(k.adapter))
      .map(([name]) => `\`${name}\``);
    ctx.report("provider-settings-kind", { block, provider: p.name, kind: p.kind, kinds: listText(kinds) }, child(at, block), { part: "key" });
    ok = false;
  }
  const keys = p.apiKeys ?? [];
  const options = optionsOf(p, adapter, at, ctx);
  if (options === undefined) ok = false;
  if ((adapter === "bedrock" || adapter === "vertex") && p.apiKeys !== undefined) {
    const how = adapter === "bedrock" ? "requests are signed with AWS credentials (SigV4)" : "requests carry an OAuth access token";
    ctx.report("provider-keys-unused", { provider: p.name, kind: p.kind, how, block: adapter }, child(at, "apiKeys"), { part: "key" });
    ok = false;
  }
  const baseUrl = p.baseUrl ?? defaultBaseUrl(p);
  // Bedrock and Vertex derive it from their block; a missing block is reported above.
  if (baseUrl === undefined && options !== undefined) {
    const why =
      adapter === "azure-openai"
        ? "the Azure resource endpoint, e.g. `https://<resource>.openai.azure.com`"
        : "the server's address including the API prefix, e.g. `http://10.0.0.7:8000/v1`";
    ctx.report("provider-needs-base-url", { provider: p.name, kind: p.kind, why }, at, { part: "key" });
    ok = false;
  }
  if (!ok || options === undefined || baseUrl === undefined) return undefined;
  return { adapter, vendor: p.kind, baseUrl, options, credentialRefs: [...keys, ...credentialRefsOf(options)] };
}

/** The catalog's base URL, or the regional endpoint of Bedrock and Vertex. */
function defaultBaseUrl(p: Provider): string | undefined {
  if (p.kind === "bedrock" && p.bedrock !== undefined) return `https://bedrock-runtime.${p.bedrock.region}.amazonaws.com`;
  if (p.kind === "vertex" && p.vertex !== undefined) {
    const host = p.vertex.location === "global" ? "aiplatform.googleapis.com" : `${p.vertex.location}-aiplatform.googleapis.com`;
    return `https://${host}/v1`;
  }
  return PROVIDER_KINDS[p.kind].defaultBaseUrl ?? undefined;
}

function optionsOf(p: Provider, adapter: PlanAdapterId, at: Located<Provider>["at"], ctx: CompileContext): PlanAdapterOptions | undefined {
  switch (adapter) {
    case "openai-compatible": {
      const quirks = compatQuirks(p, at, ctx);
      return quirks === undefined ? undefined : { adapter, vendor: p.kind, auth: { header: "authorization", prefix: "Bearer " }, quirks };
    }
    case "azure-openai": {
      const apiVersion = p.azure?.apiVersion ?? PROTOCOL_DEFAULTS.azureApiVersion;
      if (!/^(v1|\d{4}-\d{2}-\d{2}(-preview)?)$/.test(apiVersion)) {
        ctx.report("bad-azure-api-version", { provider: p.name, value: apiVersion }, child(at, "azure", "apiVersion"));
        return undefined;
      }
      const method = p.azure?.auth ?? "api-key";
      if (method === "api-key") return { adapter, apiVersion, auth: { header: "api-key", prefix: "" } };
      const a = p.azure!;
      if (method === "client-secret" && a.clientSecret === undefined) {
        ctx.report(
          "provider-needs-settings",
          {
            provider: p.name,
            kind: p.kind,
            block: "azure",
            fields: "`clientSecret` (with `tenantId` and `clientId`, or `AZURE_TENANT_ID` and `AZURE_CLIENT_ID`)",
            example: "azure: { auth: client-secret, tenantId: <tenant>, clientId: <app>, clientSecret: env:AZURE_CLIENT_SECRET }",
          },
          child(at, "azure", "auth"),
        );
        return undefined;
      }
      return {
        adapter,
        apiVersion,
        auth: { header: "authorization", prefix: "Bearer " },
        entra: { method, tenantId: a.tenantId ?? null, clientId: a.clientId ?? null, clientSecret: a.clientSecret ?? null, authorityHost: a.authorityHost ?? null },
      };
    }
    case "anthropic":
      return {
        adapter,
        version: p.anthropic?.version ?? PROTOCOL_DEFAULTS.anthropicVersion,
        defaultMaxTokens: p.anthropic?.maxTokens ?? PROTOCOL_DEFAULTS.anthropicMaxTokens,
        beta: [...(p.anthropic?.beta ?? [])],
      };
    case "bedrock": {
      const b = p.bedrock;
      if (b === undefined) {
        ctx.report(
          "provider-needs-settings",
          {
            provider: p.name,
            kind: p.kind,
            block: "bedrock",
            fields: "`region`, `accessKeyId` and `secretAccessKey`",
            example: "bedrock: { region: us-east-1, accessKeyId: env:AWS_ACCESS_KEY_ID, secretAccessKey: env:AWS_SECRET_ACCESS_KEY }",
          },
          child(at, "kind"),
        );
        return undefined;
      }
      if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(b.region)) {
        ctx.report("bad-bedrock-region", { provider: p.name, value: b.region }, child(at, "bedrock", "region"));
        return undefined;
      }
      const source = b.credentials ?? (b.accessKeyId === undefined && b.secretAccessKey === undefined ? undefined : "keys");
      if (source === undefined || (source === "keys" && (b.accessKeyId === undefined || b.secretAccessKey === undefined))) {
        ctx.report(
          "provider-needs-settings",
          {
            provider: p.name,
            kind: p.kind,
            block: "bedrock",
            fields: "`credentials` (`chain`, `env`, `profile`, `web-identity`, `container`, `instance`), or `accessKeyId` and `secretAccessKey`",
            example: "bedrock: { region: us-east-1, credentials: chain }",
          },
          child(at, "bedrock"),
        );
        return undefined;
      }
      const keys = source === "keys";
      return {
        adapter,
        region: b.region,
        ...(keys ? {} : { credentials: source }),
        ...(source === "profile" && b.profile !== undefined ? { profile: b.profile } : {}),
        accessKeyId: keys ? b.accessKeyId! : null,
        secretAccessKey: keys ? b.secretAccessKey! : null,
        sessionToken: keys ? (b.sessionToken ?? null) : null,
        defaultMaxTokens: b.maxTokens ?? null,
      };
    }
    case "gemini":
      return { adapter, auth: { header: "x-goog-api-key", prefix: "" } };
    case "vertex": {
      const v = p.vertex;
      if (v === undefined) {
        ctx.report(
          "provider-needs-settings",
          {
            provider: p.name,
            kind: p.kind,
            block: "vertex",
            fields: "`project`, `location` and `accessToken`",
            example: "vertex: { project: my-project, location: us-central1, accessToken: file:/var/run/secrets/vertex-token }",
          },
          child(at, "kind"),
        );
        return undefined;
      }
      const source = v.credentials ?? (v.accessToken === undefined ? undefined : "access-token");
      const needsFile = source === "service-account" || source === "workload-identity";
      if (source === undefined || (source === "access-token" && v.accessToken === undefined) || (needsFile && v.credentialsFile === undefined)) {
        ctx.report(
          "provider-needs-settings",
          {
            provider: p.name,
            kind: p.kind,
            block: "vertex",
            fields: needsFile
              ? "`credentialsFile` (the credentials JSON, a secret reference)"
              : "`credentials` (`adc`, `service-account`, `workload-identity`, `metadata`) or `accessToken`",
            example: "vertex: { project: my-project, location: us-central1, credentials: adc }",
          },
          child(at, "vertex"),
        );
        return undefined;
      }
      const token = source === "access-token";
      return {
        adapter,
        project: v.project,
        location: v.location,
        publisher: v.publisher ?? PROTOCOL_DEFAULTS.vertexPublisher,
        ...(token ? {} : { credentials: source }),
        ...(!token && v.credentialsFile !== undefined ? { credentialsFile: v.credentialsFile } : {}),
        accessToken: token ? v.accessToken! : null,
      };
    }
  }
}

/** The catalog's quirks for the kind, overridden field by field by `compat:`. */
function compatQuirks(p: Provider, at: Located<Provider>["at"], ctx: CompileContext): PlanOpenAIQuirks | undefined {
  const base = PROVIDER_KINDS[p.kind].quirks;
  if (base === null) throw new Error(`internal: kind ${p.kind} has no quirks`);
  const c = p.compat ?? {};
  let ok = true;
  const renameParams = { ...base.renameParams, ...c.renameParams };
  const dropParams = [...new Set([...base.dropParams, ...(c.dropParams ?? [])])];
  for (const [from, to] of Object.entries(c.renameParams ?? {})) {
    for (const param of [from, to]) {
      if (!CORE_PARAMS.has(param)) continue;
      ctx.report("compat-core-param", { field: "renameParams", provider: p.name, param }, child(at, "compat", "renameParams", from));
      ok = false;
    }
  }
  (c.dropParams ?? []).forEach((param, i) => {
    if (CORE_PARAMS.has(param)) {
      ctx.report("compat-core-param", { field: "dropParams", provider: p.name, param }, child(at, "compat", "dropParams", i));
      ok = false;
    } else if (Object.hasOwn(renameParams, param) && c.renameParams !== undefined && Object.hasOwn(c.renameParams, param)) {
      ctx.report("compat-rename-and-drop", { provider: p.name, param }, child(at, "compat", "dropParams", i));
    }
  });
  for (const param of dropParams) delete renameParams[param];
  if (!ok) return undefined;
  return {
    streamUsage: c.streamUsage ?? base.streamUsage,
    renameParams,
    dropParams: dropParams.sort(),
    tools: c.tools ?? base.tools,
    jsonMode: c.jsonMode ?? base.jsonMode,
    // Written only when true, so plans of servers without it are unchanged.
    ...((c.responses ?? base.responses) === true ? { responses: true } : {}),
  };
}

function credentialRefsOf(options: PlanAdapterOptions): string[] {
  const refs = (...values: (string | null | undefined)[]): string[] => values.filter((v): v is string => typeof v === "string");
  if (options.adapter === "bedrock") return refs(options.accessKeyId, options.secretAccessKey, options.sessionToken);
  if (options.adapter === "vertex") return refs(options.accessToken, options.credentialsFile);
  if (options.adapter === "azure-openai") return refs(options.entra?.clientSecret);
  return [];
}

function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
