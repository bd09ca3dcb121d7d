/**
 * Links the prompt and cache features of a plan: the template table, and per route
 * its decorators, response cache (exact LRU, semantic store, cipher, embedder) and
 * conversation memory; one Redis connection (to `stores.redis`) is opened when a
 * route uses it and closed with the plan. Returns null when the plan configures none of it, so requests on such a
 * gateway pay one null check.
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import type { LinkedUpstream } from "../../plan/linked-plan.js";
import { PlanError } from "../../../schemas/plan/plan-error.js";
import { resolveSecret } from "../../base/secrets.js";
import { Sealer } from "../../base/sealer.js";
import { RouteCache } from "../cache/route-cache.js";
import { UpstreamEmbedder } from "../cache/semantic/embed-client.js";
import { RedisSemanticStore } from "../cache/semantic/redis-semantic-store.js";
import { LocalSemanticStore, type SemanticStore } from "../cache/semantic/semantic-store.js";
import { ConversationMemory } from "../memory/conversation-memory.js";
import { LocalMemoryStore, RedisMemoryStore } from "../memory/memory-store.js";
import type { TemplateTable } from "../prompts/apply-prompts.js";
import { RedisCommands } from "../../state/redis-commands.js";
import { RedisConnection } from "../../state/redis-client.js";
import type { PlanRoutePrompts } from "../../../schemas/plan/prompts.js";

export interface LinkedRouteFeatures {
  readonly prompts: PlanRoutePrompts | null;
  readonly cache: RouteCache | null;
  readonly memory: ConversationMemory | null;
}

export interface LinkedFeatures {
  readonly templates: TemplateTable;
  /** Route index → its features, or null for a route without any. */
  readonly routes: readonly (LinkedRouteFeatures | null)[];
  close(): Promise<void>;
}

/** The clock of cache and memory expiry; tests replace `now` to move time. */
export const featureClock = { now: (): number => Date.now() };
const now = (): number => featureClock.now();

export function linkFeatures(plan: Plan, env: NodeJS.ProcessEnv, upstreams: readonly LinkedUpstream[]): LinkedFeatures | null {
  const templates = plan.templates ?? [];
  const configured = plan.routing.routes.some((r) => r.prompts !== undefined || r.cache !== undefined || r.memory !== undefined);
  if (templates.length === 0 && !configured) return null;

  const secret = (ref: string, what: string): string => {
    const r = resolveSecret(ref, env);
    if (!r.ok) throw new PlanError(`${what}: ${r.problem}`);
    return r.value;
  };
  // One connection for all routes, opened on first use (the quota store keeps its own).
  let connection: RedisConnection | null = null;
  let commands: RedisCommands | null = null;
  const redis = (): RedisCommands => {
    if (commands !== null) return commands;
    const store = plan.stores?.redis ?? null;
    if (store === null) throw new PlanError("a cache or memory uses `store: redis`, but the plan has no `stores.redis`");
    const url = secret(store.url, "stores.redis.url");
    if (!/^rediss?:\/\//.test(url)) {
      throw new PlanError(
        "response caches and conversation memory on Redis need a single server (`redis://` or `rediss://`); Redis Cluster and Sentinel URLs serve quotas and the usage ledger",
      );
    }
    connection = new RedisConnection({ url, prefix: store.prefix, timeoutMs: store.timeoutMs, label: "redis (caches, memory)" });
    void connection.connect();
    commands = new RedisCommands(connection);
    return commands;
  };

  // One sealer for everything stored (memory, caches without their own key): the first key seals, all open.
  const storeKeys = plan.stores?.encryptionKeys ?? [];
  const stored = storeKeys.length === 0 ? null : new Sealer(storeKeys.map((ref, i) => secret(ref, `stores.encryptionKeys[${i}]`)));
  const routes = plan.routing.routes.map((r): LinkedRouteFeatures | null => {
    if (r.prompts === undefined && r.cache === undefined && r.memory === undefined) return null;
    let cache: RouteCache | null = null;
    if (r.cache !== undefined) {
      const c = r.cache;
      // A cache's own key seals its entries; the store keys still open what they sealed before it was set.
      const own = c.encryptionKey === null ? null : secret(c.encryptionKey, `cache encryption key of route ${r.name}`);
      const cipher = own === null ? stored : new Sealer([own, ...storeKeys.map((ref, i) => secret(ref, `stores.encryptionKeys[${i}]`))]);
      let semantic: SemanticStore | null = null;
      let embedder: UpstreamEmbedder | null = null;
      if (c.semantic !== null) {
        const s = c.semantic;
        const settings = { threshold: s.threshold, ttlMs: s.ttlMs, maxEntries: s.maxEntries, cipher, now };
        semantic = s.store === "memory" ? new LocalSemanticStore(settings) : new RedisSemanticStore(settings, redis());
        embedder = new UpstreamEmbedder({ upstream: upstreams[s.upstream]!, model: s.model }, s.timeoutMs);
      }
      cache = new RouteCache(c, cipher, embedder, semantic, now);
    }
    let memory: ConversationMemory | null = null;
    if (r.memory !== undefined) {
      const m = r.memory;
      memory = new ConversationMemory(m, m.store === "memory" ? new LocalMemoryStore(m.maxSessions, now, stored) : new RedisMemoryStore(redis(), stored));
    }
    return { prompts: r.prompts ?? null, cache, memory };
  });

  return {
    templates: new Map(templates.map((template, index) => [template.name, { index, template }])),
    routes,
    close: async () => {
      await connection?.close();
    },
  };
}
