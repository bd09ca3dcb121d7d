/**
 * Pass: apply-defaults. Materializes every default once, converts durations and sizes
 * to integers, splits provider base URLs into origin and base path, resolves names to
 * indices, and appends one implicit exact route per model after the explicit routes.
 * The result (`NormalizedPolicy`) is what analyses and lowering work on. Models,
 * routes, tags and limits are normalized by the helpers in `normalize/`.
 */
import { classifyHost } from "../../schemas/plan/address-class.js";
import type { Provider } from "../../schemas/policy/provider.js";
import type { PlanListener, PlanTimeouts } from "../../schemas/plan/plan.js";
import { type CompileContext, child } from "../context.js";
import { describePath } from "../diagnostics/describe-path.js";
import type { Located, NormalizedConsumer, NormalizedPolicy, NormalizedProvider, Origin, ResolvedPolicy, TimeoutField } from "../ir.js";
import { normalizeFeatures } from "../prompts/normalize-features.js";
import { normalizeGuardrails } from "../guardrails/normalize-guardrails.js";
import { resolveProtocol } from "../providers/resolve-protocol.js";
import { DEFAULT_ASSUMED_TOKENS } from "./normalize/limits.js";
import { DEFAULT_TARGET_WEIGHT, normalizeModels } from "./normalize/models.js";
import { firstTokenMs, normalizeHealth } from "./normalize/reliability.js";
import { normalizeRoutes } from "./normalize/routes.js";
import { normalizeClassifiers } from "./normalize/classifiers.js";
import { normalizePools } from "./normalize/pools.js";
import { withExtraConditions } from "./normalize/route-conditions.js";
import { normalizeConstraint, normalizeTags } from "./normalize/tags.js";
import { normalizeListenerOperations, normalizeProviderOperations } from "./normalize/operations.js";
import { hasCredentials, parseBaseUrl } from "./values/base-url.js";
import { parseDuration } from "./values/duration.js";
import type { ValueResult } from "./values/result.js";
import { parseSize } from "./values/size.js";

/** Every default of the policy language, in one place. */
export const DEFAULTS = {
  timeouts: { connect: "5s", firstByte: "60s", idle: "60s", total: "10m" },
  connections: 128,
  listener: { maxBodyBytes: "4MiB", maxAudioBytes: "25MiB", maxJsonDepth: 64, shutdown: { grace: "5s", deadline: "30s" }, adminHost: "127.0.0.1", auditContent: "none" },
  targetWeight: DEFAULT_TARGET_WEIGHT,
  assumedTokens: DEFAULT_ASSUMED_TOKENS,
  optional: false,
} as const;

/** Applies defaults and converts values; reports values that cannot be converted. */
export function applyDefaults(resolved: ResolvedPolicy, ctx: CompileContext): NormalizedPolicy {
  const { merged, modelIndex } = resolved;

  // A provider that cannot be normalized has reported an error, so the pipeline stops
  // after this pass and the shifted indices are never used.
  const explicitProviders = merged.providers.flatMap((p) => normalizeProvider(p, ctx) ?? []);
  // GPU pool endpoints become providers after the policy's own.
  const pooled = normalizePools(merged.pools ?? [], explicitProviders.length, normalizeProvider, ctx);
  const providers = [...explicitProviders, ...pooled.providers];

  const models = normalizeModels(
    resolved,
    providers.map((p) => p.hostname),
    ctx,
    pooled.pools,
  );

  const consumers: NormalizedConsumer[] = merged.consumers.map(({ value: consumer, at }) => {
    const allowed = consumer.models === undefined || consumer.models.includes("*") ? null : new Set(consumer.models);
    return {
      name: consumer.name,
      at,
      keys: consumer.keys.flatMap((k, i): Located<string>[] => (k.sha256 === undefined ? [] : [{ value: k.sha256.toLowerCase(), at: child(at, "keys", i, "sha256") }])),
      hmacKeys: consumer.keys.flatMap((k, i): Located<string>[] => (k.hmac === undefined ? [] : [{ value: k.hmac.toLowerCase(), at: child(at, "keys", i, "hmac") }])),
      expiry: consumer.keys.flatMap((k, i) =>
        k.expiresAt === undefined ? [] : [{ digest: (k.hmac ?? k.sha256 ?? "").toLowerCase(), expiresAt: Date.parse(k.expiresAt), at: child(at, "keys", i, "expiresAt") }],
      ),
      allowedModels: models.map((m) => allowed === null || allowed.has(m.name)),
      allowList: consumer.models?.map((name, i): Located<string> => ({ value: name, at: child(at, "models", i) })) ?? null,
      tags: normalizeTags(consumer.tags),
      team: consumer.team ?? null,
      // In the plan's key order: the sha256 digests, then the hmac ones.
      keyLabels: [...consumer.keys.filter((k) => k.sha256 !== undefined), ...consumer.keys.filter((k) => k.hmac !== undefined)].map((k) => ({
        name: k.name ?? null,
        tags: k.tags === undefined ? null : normalizeTags(k.tags),
      })),
    };
  });
  const classifierIndex = new Map((merged.classifiers ?? []).map((c, i) => [c.value.name, i]));
  const routes = withExtraConditions(normalizeRoutes(merged.routes, models, modelIndex), merged.routes, consumers, classifierIndex, ctx);

  const apiKeyExpiryWarning = merged.listener?.value.apiKeys?.expiryWarning;
  return {
    listener: normalizeListener(resolved, ctx),
    ...(apiKeyExpiryWarning === undefined ? {} : { apiKeyExpiryWarning }),
    providers,
    models,
    routes,
    consumers,
    secrets: merged.secrets,
    constraints: merged.constraints.map(normalizeConstraint),
    quotas: merged.quotas,
    stores: merged.stores,
    costTags: merged.costTags ?? null,
    guardrails: normalizeGuardrails(merged.guardrails, merged.routes, merged.models, routes, resolved.providerIndex, ctx),
    pools: pooled.pools,
    classifiers: normalizeClassifiers(merged.classifiers ?? [], ctx),
    documents: merged.documents,
    anchor: merged.anchor,
    features: normalizeFeatures(resolved, ctx),
  };
}

/** A provider with defaults, or undefined after reporting why it cannot be used. */
export function normalizeProvider(located: Located<Provider>, ctx: CompileContext): NormalizedProvider | undefined {
  const { value: p, at } = located;
  const urlAt = child(at, "baseUrl");
  if (p.baseUrl !== undefined && hasCredentials(p.baseUrl)) {
    ctx.report("url-credentials", { what: describePath(urlAt.doc.value, urlAt.path) }, urlAt);
    return undefined;
  }
  const protocol = resolveProtocol(located, ctx);
  const url = protocol === undefined ? undefined : parseBaseUrl(protocol.baseUrl);
  if (url !== undefined && !url.ok) {
    ctx.report("bad-base-url", { provider: p.name, reason: url.reason }, urlAt);
  }
  const timeouts = normalizeTimeouts(p, at, ctx);
  if (protocol === undefined || url === undefined || !url.ok || timeouts === undefined) return undefined;
  return {
    name: p.name,
    at,
    kind: protocol.adapter,
    vendor: protocol.vendor,
    options: protocol.options,
    credentialRefs: protocol.credentialRefs,
    origin: url.value.origin,
    basePath: protocol.adapter === "azure-openai" ? url.value.basePath.replace(/\/openai$/, "") : url.value.basePath,
    protocol: url.value.protocol,
    hostname: url.value.hostname,
    network: p.network === "private" ? "private" : classifyHost(url.value.hostname) === "loopback" ? "loopback" : "public",
    apiKeys: p.apiKeys ?? [],
    optional: p.optional ?? DEFAULTS.optional,
    timeouts,
    writtenTimeouts: timeoutFields.filter((field) => p.timeouts?.[field] !== undefined),
    connections: p.connections ?? DEFAULTS.connections,
    tags: normalizeTags(p.tags),
    ...normalizeProviderOperations(p, url.value.protocol, at, ctx),
    keyWeights: p.keyWeights ?? null,
    health: normalizeHealth(p, url.value.basePath, at, ctx),
  };
}

const timeoutFields: readonly TimeoutField[] = ["connect", "firstByte", "idle", "total"];

function normalizeTimeouts(p: Provider, at: Origin, ctx: CompileContext): PlanTimeouts | undefined {
  const ms = (field: TimeoutField): number | undefined => {
    const given = p.timeouts?.[field];
    if (given === undefined) return unwrapDefault(parseDuration(DEFAULTS.timeouts[field]));
    return converted(parseDuration(given), child(at, "timeouts", field), "bad-duration", ctx);
  };
  const connectMs = ms("connect");
  const firstByteMs = ms("firstByte");
  const idleMs = ms("idle");
  const totalMs = ms("total");
  if (connectMs === undefined || firstByteMs === undefined || idleMs === undefined || totalMs === undefined) return undefined;
  const firstToken = firstTokenMs(p, at, ctx);
  const base = firstToken === undefined ? { connectMs, firstByteMs, idleMs, totalMs } : { connectMs, firstByteMs, firstTokenMs: firstToken, idleMs, totalMs };
  // Like firstToken, in the plan only when written: the runtime's default is DEFAULT_CONNECTION_WAIT_MS.
  const wait = p.timeouts?.connectionWait;
  if (wait === undefined) return base;
  const connectionWaitMs = converted(parseDuration(wait), child(at, "timeouts", "connectionWait"), "bad-duration", ctx);
  return connectionWaitMs === undefined ? undefined : { ...base, connectionWaitMs };
}

function normalizeListener(resolved: ResolvedPolicy, ctx: CompileContext): PlanListener {
  const listener = resolved.merged.listener;
  const size = listener?.value.maxBodyBytes;
  const maxBodyBytes =
    size === undefined || listener === null
      ? unwrapDefault(parseSize(DEFAULTS.listener.maxBodyBytes))
      : (converted(parseSize(size), child(listener.at, "maxBodyBytes"), "bad-size", ctx) ?? 0);
  const audio = listener?.value.maxAudioBytes;
  const maxAudioBytes =
    audio === undefined || listener === null
      ? unwrapDefault(parseSize(DEFAULTS.listener.maxAudioBytes))
      : (converted(parseSize(audio), child(listener.at, "maxAudioBytes"), "bad-size", ctx) ?? 0);
  const timeout = listener?.value.requestTimeout;
  // 0: not written; `lower` computes the default from the models' worst cases.
  const requestTimeoutMs = timeout === undefined || listener === null ? 0 : (converted(parseDuration(timeout), child(listener.at, "requestTimeout"), "bad-duration", ctx) ?? 0);
  return {
    maxBodyBytes,
    maxAudioBytes,
    maxJsonDepth: listener?.value.maxJsonDepth ?? DEFAULTS.listener.maxJsonDepth,
    requestTimeoutMs,
    ...normalizeOperations(listener, ctx),
  };
}

/** The listener's operational settings (shutdown, metrics, admin, audit) with defaults. */
function normalizeOperations(
  listener: ResolvedPolicy["merged"]["listener"],
  ctx: CompileContext,
): Omit<PlanListener, "maxBodyBytes" | "maxAudioBytes" | "maxJsonDepth" | "requestTimeoutMs"> {
  const value = listener?.value;
  const ms = (field: "grace" | "deadline"): number => {
    const given = value?.shutdown?.[field];
    if (given === undefined || listener === null) return unwrapDefault(parseDuration(DEFAULTS.listener.shutdown[field]));
    return converted(parseDuration(given), child(listener.at, "shutdown", field), "bad-duration", ctx) ?? 0;
  };
  const audit = value?.audit;
  if (audit?.sink === "file" && audit.path === undefined && listener !== null) {
    ctx.report("audit-file-needs-path", {}, child(listener.at, "audit", "sink"));
  }
  return {
    shutdown: { graceMs: ms("grace"), deadlineMs: ms("deadline") },
    metrics: value?.metrics ?? false,
    admin: value?.admin === undefined ? null : { host: value.admin.host ?? DEFAULTS.listener.adminHost, port: value.admin.port, token: value.admin.token },
    audit:
      audit === undefined
        ? null
        : {
            sink: audit.sink,
            path: audit.sink === "file" ? (audit.path ?? "") : null,
            content: audit.content ?? DEFAULTS.listener.auditContent,
            ...(audit.flush === undefined || listener === null
              ? {}
              : { flushMs: converted(parseDuration(audit.flush), child(listener.at, "audit", "flush"), "bad-duration", ctx) ?? 1000 }),
            ...(audit.fsync === undefined ? {} : { fsync: audit.fsync }),
          },
    ...normalizeListenerOperations(value, listener?.at ?? null, ctx),
    ...(value?.apiKeys === undefined ? {} : { apiKeys: { hmacSecret: value.apiKeys.hmacSecret } }),
  };
}

/** The converted value, or undefined after reporting why it is invalid. */
function converted(result: ValueResult<number>, at: Origin, code: "bad-duration" | "bad-size", ctx: CompileContext): number | undefined {
  if (result.ok) return result.value;
  const what = describePath(at.doc.value, at.path);
  ctx.report(code, { what, reason: result.reason }, at, { suggestion: result.suggestion });
  return undefined;
}

function unwrapDefault(result: ValueResult<number>): number {
  if (!result.ok) throw new Error(`internal: invalid default: ${result.reason}`);
  return result.value;
}
