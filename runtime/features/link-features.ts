/**
 * Links the prompt and cache features of a plan: the template table, and per route
 * its decorators, response cache (exact LRU, semantic store, cipher, embedder) and
 * conversation memory; Redis connections are opened once per store and closed with
 * the plan. Returns null when the plan configures none of it, so requests on such a
 * gateway pay one null check.
 */
import type { Plan } from "../../schemas/plan/plan.js";
import type { LinkedUpstream } from "../plan/linked-plan.js";
import { PlanError } from "../plan/load-plan.js";
import { resolveSecret } from "../plan/resolve-secret.js";
import { EntryCipher } from "../cache/cipher.js";
import { RouteCache } from "../cache/route-cache.js";
import { UpstreamEmbedder } from "../cache/semantic/embed-client.js";
import { RedisSemanticStore } from "../cache/semantic/redis-semantic-store.js";
import { LocalSemanticStore, type SemanticStore } from "../cache/semantic/semantic-store.js";
import { ConversationMemory } from "../memory/conversation-memory.js";
import { LocalMemoryStore, RedisMemoryStore } from "../memory/memory-store.js";
import type { TemplateTable } from "../prompts/apply-prompts.js";
import { RedisConnection } from "../stores/redis-connection.js";
import type { PlanRoutePrompts } from "../../schemas/plan/prompts.js";

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
  const connections = new Map<number, RedisConnection>();
  const redis = (index: number): { connection: RedisConnection; prefix: string } => {
    const store = plan.stores![index]!;
    let connection = connections.get(index);
    if (connection === undefined) {
      connection = new RedisConnection(secret(store.url, `store ${store.name}`), store.name);
      connections.set(index, connection);
    }
    return { connection, prefix: store.keyPrefix };
  };

  const routes = plan.routing.routes.map((r): LinkedRouteFeatures | null => {
    if (r.prompts === undefined && r.cache === undefined && r.memory === undefined) return null;
    let cache: RouteCache | null = null;
    if (r.cache !== undefined) {
      const c = r.cache;
      const cipher = c.encryptionKey === null ? null : new EntryCipher(secret(c.encryptionKey, `cache encryption key of route ${r.name}`));
      let semantic: SemanticStore | null = null;
      let embedder: UpstreamEmbedder | null = null;
      if (c.semantic !== null) {
        const s = c.semantic;
        const settings = { threshold: s.threshold, ttlMs: s.ttlMs, maxEntries: s.maxEntries, cipher, now };
        if (s.store === null) semantic = new LocalSemanticStore(settings);
        else {
          const { connection, prefix } = redis(s.store);
          semantic = new RedisSemanticStore(settings, connection, prefix);
        }
        embedder = new UpstreamEmbedder(upstreams[s.upstream]!, `${plan.upstreams[s.upstream]!.basePath}/embeddings`, s.model, s.timeoutMs);
      }
      cache = new RouteCache(c, cipher, embedder, semantic, now);
    }
    let memory: ConversationMemory | null = null;
    if (r.memory !== undefined) {
      const m = r.memory;
      if (m.store === null) memory = new ConversationMemory(m, new LocalMemoryStore(m.maxSessions, now));
      else {
        const { connection, prefix } = redis(m.store);
        memory = new ConversationMemory(m, new RedisMemoryStore(connection, prefix));
      }
    }
    return { prompts: r.prompts ?? null, cache, memory };
  });

  return {
    templates: new Map(templates.map((template, index) => [template.name, { index, template }])),
    routes,
    close: async () => {
      await Promise.all([...connections.values()].map((c) => c.close()));
    },
  };
}
