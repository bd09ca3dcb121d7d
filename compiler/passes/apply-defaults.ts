/**
 * Pass: apply-defaults. Materializes every default once, converts durations and sizes
 * to integers, splits provider base URLs into origin and base path, resolves names to
 * indices, and appends one implicit exact route per model after the explicit routes.
 * The result (`NormalizedPolicy`) is what analyses and lowering work on.
 */
import type { Provider } from "../../schemas/policy/provider.js";
import type { PlanListener, PlanTimeouts } from "../../schemas/plan/plan.js";
import { type CompileContext, child } from "../context.js";
import { describePath } from "../diagnostics/describe-path.js";
import type {
  Located,
  NormalizedConsumer,
  NormalizedModel,
  NormalizedPolicy,
  NormalizedProvider,
  NormalizedRoute,
  Origin,
  ResolvedPolicy,
  TimeoutField,
} from "../ir.js";
import { isGlob } from "../routing/glob.js";
import { IMPLICIT_ROUTE_PREFIX } from "./resolve-refs.js";
import { hasCredentials, parseBaseUrl } from "./values/base-url.js";
import { parseDuration } from "./values/duration.js";
import type { ValueResult } from "./values/result.js";
import { parseSize } from "./values/size.js";

/** Every default of the policy language, in one place. */
export const DEFAULTS = {
  timeouts: { connect: "5s", firstByte: "60s", idle: "60s", total: "10m" },
  connections: 128,
  listener: { maxBodyBytes: "4MiB", maxJsonDepth: 64 },
  targetWeight: 1,
  optional: false,
} as const;

/** Applies defaults and converts values; reports values that cannot be converted. */
export function applyDefaults(resolved: ResolvedPolicy, ctx: CompileContext): NormalizedPolicy {
  const { merged, providerIndex, modelIndex } = resolved;
  const lookup = (table: ReadonlyMap<string, number>, name: string): number => {
    const index = table.get(name);
    if (index === undefined) throw new Error(`internal: \`${name}\` was not resolved by resolve-refs`);
    return index;
  };

  // A provider that cannot be normalized has reported an error, so the pipeline stops
  // after this pass and the shifted indices are never used.
  const providers = merged.providers.flatMap((p) => normalizeProvider(p, ctx) ?? []);

  const models: NormalizedModel[] = merged.models.map(({ value: model, at }) => ({
    name: model.name,
    at,
    targets: model.targets.map((t, i) => ({
      provider: lookup(providerIndex, t.provider),
      model: t.model ?? model.name,
      weight: t.weight ?? DEFAULTS.targetWeight,
      at: child(at, "targets", i),
    })),
    fallbacks: (model.fallbacks ?? []).map((f, i) => ({
      provider: lookup(providerIndex, f.provider),
      model: f.model ?? model.name,
      weight: 0,
      at: child(at, "fallbacks", i),
    })),
  }));

  const explicit: NormalizedRoute[] = merged.routes.map(({ value: route, at }) => ({
    name: route.name ?? `match:${route.match.model}`,
    label: route.name !== undefined ? `route \`${route.name}\`` : `route for \`${route.match.model}\``,
    pattern: route.match.model,
    glob: isGlob(route.match.model),
    model: lookup(modelIndex, route.model),
    implicit: false,
    at,
  }));
  const implicit: NormalizedRoute[] = models.map((model, i) => ({
    name: IMPLICIT_ROUTE_PREFIX + model.name,
    label: `the implicit route of model \`${model.name}\``,
    pattern: model.name,
    glob: false,
    model: i,
    implicit: true,
    at: child(model.at, "name"),
  }));

  const consumers: NormalizedConsumer[] = merged.consumers.map(({ value: consumer, at }) => {
    const allowed = consumer.models === undefined || consumer.models.includes("*") ? null : new Set(consumer.models);
    return {
      name: consumer.name,
      at,
      keys: consumer.keys.map((k, i): Located<string> => ({ value: k.sha256.toLowerCase(), at: child(at, "keys", i, "sha256") })),
      allowedModels: models.map((m) => allowed === null || allowed.has(m.name)),
    };
  });

  return {
    listener: normalizeListener(resolved, ctx),
    providers,
    models,
    routes: [...explicit, ...implicit],
    consumers,
    anchor: merged.anchor,
  };
}

/** A provider with defaults, or undefined after reporting why it cannot be used. */
function normalizeProvider({ value: p, at }: Located<Provider>, ctx: CompileContext): NormalizedProvider | undefined {
  const urlAt = child(at, "baseUrl");
  if (hasCredentials(p.baseUrl)) {
    ctx.report("url-credentials", { what: describePath(urlAt.doc.value, urlAt.path) }, urlAt);
    return undefined;
  }
  const url = parseBaseUrl(p.baseUrl);
  if (!url.ok) {
    ctx.report("bad-base-url", { provider: p.name, reason: url.reason }, urlAt);
  }
  const timeouts = normalizeTimeouts(p, at, ctx);
  if (!url.ok || timeouts === undefined) return undefined;
  return {
    name: p.name,
    at,
    kind: p.kind,
    origin: url.value.origin,
    basePath: url.value.basePath,
    protocol: url.value.protocol,
    hostname: url.value.hostname,
    apiKeys: p.apiKeys ?? [],
    optional: p.optional ?? DEFAULTS.optional,
    timeouts,
    writtenTimeouts: timeoutFields.filter((field) => p.timeouts?.[field] !== undefined),
    connections: p.connections ?? DEFAULTS.connections,
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
  return { connectMs, firstByteMs, idleMs, totalMs };
}

function normalizeListener(resolved: ResolvedPolicy, ctx: CompileContext): PlanListener {
  const listener = resolved.merged.listener;
  const size = listener?.value.maxBodyBytes;
  const maxBodyBytes =
    size === undefined || listener === null
      ? unwrapDefault(parseSize(DEFAULTS.listener.maxBodyBytes))
      : (converted(parseSize(size), child(listener.at, "maxBodyBytes"), "bad-size", ctx) ?? 0);
  return { maxBodyBytes, maxJsonDepth: listener?.value.maxJsonDepth ?? DEFAULTS.listener.maxJsonDepth };
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
