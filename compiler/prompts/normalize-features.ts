/**
 * The prompt and cache features of a policy, checked and lowered in one step (they
 * feed no other analysis): templates (see normalize-templates.ts), and each
 * explicit route's `prompts`, `cache` and `memory` blocks, with names resolved to
 * plan indices, durations and sizes converted and defaults applied.
 */
import type { PlanMemory, PlanRouteCache } from "../../schemas/plan/cache.js";
import type { PlanRoutePrompts, PlanTemplate } from "../../schemas/plan/prompts.js";
import type { Memory, RouteCache } from "../../schemas/policy/cache.js";
import type { RoutePrompts, Template } from "../../schemas/policy/prompts.js";
import { type CompileContext, child } from "../context.js";
import { describePath } from "../diagnostics/describe-path.js";
import { suggestName } from "../diagnostics/suggest.js";
import type { Located, Origin, ResolvedPolicy } from "../ir.js";
import { parseDuration } from "../passes/values/duration.js";
import type { ValueResult } from "../passes/values/result.js";
import { parseSize } from "../passes/values/size.js";
import { normalizeTemplates } from "./normalize-templates.js";
import { PROVIDER_KINDS, type ProviderKindName } from "../../schemas/catalog/providers.js";
import { EMBEDDINGS_ADAPTER_IDS } from "../../schemas/plan/constants.js";

/** What a route adds to the plan. */
export interface RouteFeatures {
  prompts?: PlanRoutePrompts;
  cache?: PlanRouteCache;
  memory?: PlanMemory;
}

/** The plan parts of the features: the templates, and per explicit route (by route index) its blocks. */
export interface PlanFeatures {
  readonly templates: readonly PlanTemplate[];
  readonly routes: readonly RouteFeatures[];
}

/** Defaults of the feature blocks, in one place. */
export const FEATURE_DEFAULTS = {
  exact: { ttl: "10m", maxBytes: "64MiB" },
  semantic: { threshold: 0.95, ttl: "1h", maxEntries: 10_000, timeout: "2s", maxTemperature: 0 },
  memory: { maxTurns: 20, maxTokens: 4000, contextWindow: 128_000, ttl: "1h", maxSessions: 10_000 },
  scope: "consumer",
  store: "memory",
} as const;

/** Below this, a semantic threshold is warned about (TG6610). */
const LOW_THRESHOLD = 0.8;

export function normalizeFeatures(resolved: ResolvedPolicy, ctx: CompileContext): PlanFeatures {
  const { merged, providerIndex } = resolved;
  const templateList: Located<Template>[] = [];
  let redisConfigured = false;
  for (const { source, policy } of merged.documents) {
    policy.templates?.forEach((value, i) => templateList.push({ value, at: { doc: source, path: ["templates", i] } }));
    if (policy.stores?.redis !== undefined) redisConfigured = true;
  }
  const templates = firstOfEachName("template", templateList, ctx);
  const templateIndex = new Map(templates.map((t, i) => [t.value.name, i]));
  const describe = (at: Origin): string => describePath(at.doc.value, at.path);

  const storeRef = (store: "memory" | "redis" | undefined, at: Origin): "memory" | "redis" => {
    if (store === "redis" && !redisConfigured) ctx.report("redis-store-missing", { what: describe(at) }, at);
    return store ?? FEATURE_DEFAULTS.store;
  };
  const ms = (value: number | string | undefined, fallback: string, at: Origin): number => converted(parseDuration(value ?? fallback), at, "bad-duration", ctx);
  const bytes = (value: number | string | undefined, fallback: string, at: Origin): number => converted(parseSize(value ?? fallback), at, "bad-size", ctx);

  const routes = merged.routes.map(({ value: route, at }): RouteFeatures => {
    const features: RouteFeatures = {};
    if (route.prompts !== undefined) features.prompts = routePrompts(route.prompts, child(at, "prompts"));
    if (route.cache !== undefined) features.cache = routeCache(route.cache, child(at, "cache"));
    if (route.memory !== undefined) features.memory = routeMemory(route.memory, child(at, "memory"));
    return features;
  });

  function routePrompts(p: RoutePrompts, at: Origin): PlanRoutePrompts {
    const out: PlanRoutePrompts = {
      prepend: (p.prepend ?? []).map((m) => ({ role: m.role, content: m.content })),
      append: (p.append ?? []).map((m) => ({ role: m.role, content: m.content })),
    };
    if (p.templates !== undefined) {
      out.templates = p.templates.flatMap((name, i) => {
        const index = templateIndex.get(name);
        if (index !== undefined) return [index];
        const refAt = child(at, "templates", i);
        ctx.report("unknown-template", { what: describe(at), name }, refAt, { suggestion: suggestName(name, [...templateIndex.keys()], "templates") });
        return [];
      });
    }
    return out;
  }

  function routeCache(c: RouteCache, at: Origin): PlanRouteCache {
    const semantic = c.semantic;
    let planSemantic: PlanRouteCache["semantic"] = null;
    if (semantic !== undefined) {
      const semAt = child(at, "semantic");
      const upstream = providerIndex.get(semantic.embedding.provider);
      if (upstream === undefined) {
        ctx.report("unknown-provider", { what: describe(child(semAt, "embedding")), name: semantic.embedding.provider }, child(semAt, "embedding", "provider"), {
          suggestion: suggestName(semantic.embedding.provider, [...providerIndex.keys()], "providers"),
        });
      }
      const provider = upstream === undefined ? undefined : merged.providers[upstream]?.value;
      const adapter = provider === undefined ? undefined : PROVIDER_KINDS[provider.kind as ProviderKindName]?.adapter;
      if (adapter !== undefined && !EMBEDDINGS_ADAPTER_IDS.includes(adapter)) {
        ctx.report("semantic-embedding-unsupported", { provider: semantic.embedding.provider, adapter }, child(semAt, "embedding", "provider"));
      }
      const threshold = semantic.threshold ?? FEATURE_DEFAULTS.semantic.threshold;
      if (threshold < LOW_THRESHOLD) ctx.report("semantic-threshold-low", { threshold }, child(semAt, "threshold"));
      planSemantic = {
        upstream: upstream ?? 0,
        model: semantic.embedding.model,
        threshold,
        ttlMs: ms(semantic.ttl, FEATURE_DEFAULTS.semantic.ttl, child(semAt, "ttl")),
        maxEntries: semantic.maxEntries ?? FEATURE_DEFAULTS.semantic.maxEntries,
        timeoutMs: ms(semantic.timeout, FEATURE_DEFAULTS.semantic.timeout, child(semAt, "timeout")),
        store: storeRef(semantic.store, child(semAt, "store")),
      };
      if (c.maxTemperature !== undefined && c.maxTemperature > 0) {
        ctx.report("semantic-cache-without-temperature-bound", { value: c.maxTemperature }, child(at, "maxTemperature"));
      }
    }
    const exact = c.exact;
    const exactAt = child(at, "exact");
    return {
      scope: c.scope ?? FEATURE_DEFAULTS.scope,
      exactMaxTemperature: c.maxTemperature ?? null,
      semanticMaxTemperature: c.maxTemperature ?? FEATURE_DEFAULTS.semantic.maxTemperature,
      encryptionKey: c.encryptionKey ?? null,
      exact:
        exact === undefined
          ? null
          : {
              ttlMs: ms(exact.ttl, FEATURE_DEFAULTS.exact.ttl, child(exactAt, "ttl")),
              maxBytes: bytes(exact.maxBytes, FEATURE_DEFAULTS.exact.maxBytes, child(exactAt, "maxBytes")),
            },
      semantic: planSemantic,
    };
  }

  function routeMemory(m: Memory, at: Origin): PlanMemory {
    const d = FEATURE_DEFAULTS.memory;
    return {
      maxTurns: m.maxTurns ?? d.maxTurns,
      maxTokens: m.maxTokens ?? d.maxTokens,
      contextWindow: m.contextWindow ?? d.contextWindow,
      ttlMs: ms(m.ttl, d.ttl, child(at, "ttl")),
      store: storeRef(m.store, child(at, "store")),
      maxSessions: m.maxSessions ?? d.maxSessions,
    };
  }

  return { templates: normalizeTemplates(templates, ctx), routes };
}

/** The first definition of each name; later ones are reported as duplicates. */
function firstOfEachName<T extends { name: string }>(kind: string, items: readonly Located<T>[], ctx: CompileContext): Located<T>[] {
  const first = new Map<string, Origin>();
  return items.filter(({ value, at }) => {
    const previous = first.get(value.name);
    if (previous === undefined) {
      first.set(value.name, at);
      return true;
    }
    ctx.report("duplicate-name", { kind, name: value.name }, child(at, "name"), {
      related: [{ at: child(previous, "name"), message: `\`${value.name}\` is first defined here` }],
    });
    return false;
  });
}

function converted(result: ValueResult<number>, at: Origin, code: "bad-duration" | "bad-size", ctx: CompileContext): number {
  if (result.ok) return result.value;
  ctx.report(code, { what: describePath(at.doc.value, at.path), reason: result.reason }, at, { suggestion: result.suggestion });
  return 1;
}
