/**
 * GPU pools → providers. Every endpoint becomes a provider named `<pool>/<endpoint>`
 * (appended after the policy's providers, so their indices do not move), carrying the
 * pool's keys, timeouts, connection limit and tags. Its weight is its GPU count times
 * the weight of one GPU of its type: from `gpuWeights`, or proportional to the
 * declared `throughput`, or 1 when the pool declares neither. Shares are the weights
 * normalized over the pool; a model target on the pool splits its weight by them.
 */
import type { Pool } from "../../../schemas/policy/pool.js";
import type { Provider } from "../../../schemas/policy/provider.js";
import { type CompileContext, child } from "../../context.js";
import { suggestName } from "../../diagnostics/suggest.js";
import type { Located, NormalizedPool, NormalizedProvider } from "../../ir.js";

/** The bounded-load factor of a pool that does not set one. */
export const DEFAULT_POOL_LOAD_BOUND = 1.25;

/** Normalizes one provider (apply-defaults' own function, passed in to avoid a cycle). */
type NormalizeProvider = (p: Located<Provider>, ctx: CompileContext) => NormalizedProvider | undefined;

/** The pools, and the providers their endpoints become (indices from `firstProvider`). */
export function normalizePools(
  pools: readonly Located<Pool>[],
  firstProvider: number,
  normalizeProvider: NormalizeProvider,
  ctx: CompileContext,
): { pools: NormalizedPool[]; providers: NormalizedProvider[] } {
  const providers: NormalizedProvider[] = [];
  const normalized = pools.map(({ value: pool, at }): NormalizedPool => {
    const perGpu = gpuWeightTable(pool, at, ctx);
    const seen = new Map<string, number>();
    const endpoints = pool.endpoints.flatMap((e, i) => {
      const epAt = child(at, "endpoints", i);
      const name = e.name ?? String(i);
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.report("duplicate-endpoint", { pool: pool.name, name }, child(epAt, "name"), {
          related: [{ at: child(at, "endpoints", first, "name"), message: `\`${name}\` is first defined here` }],
        });
      }
      seen.set(name, i);
      const provider = normalizeProvider(
        {
          value: {
            name: `${pool.name}/${name}`,
            kind: pool.kind ?? "openai-compatible",
            baseUrl: e.baseUrl,
            ...(pool.apiKeys !== undefined ? { apiKeys: pool.apiKeys } : {}),
            ...(pool.timeouts !== undefined ? { timeouts: pool.timeouts } : {}),
            ...(pool.connections !== undefined ? { connections: pool.connections } : {}),
            ...(pool.network !== undefined ? { network: pool.network } : {}),
            tags: { ...pool.tags, gpu: e.gpu },
          },
          // Diagnostics about the URL point at the endpoint; timeouts resolve to the pool's.
          at: epAt,
        },
        ctx,
      );
      if (provider === undefined) return [];
      const unit = perGpu.get(e.gpu);
      if (unit === undefined) {
        const table = pool.gpuWeights !== undefined ? "gpuWeights" : "throughput";
        ctx.report("pool-gpu-unweighted", { endpoint: `\`${name}\``, pool: pool.name, gpu: e.gpu, table }, child(epAt, "gpu"), {
          suggestion: suggestName(e.gpu, [...perGpu.keys()], "GPU types"),
        });
        return [];
      }
      providers.push({ ...provider, at: epAt });
      const gpus = e.gpus ?? 1;
      return [{ provider: firstProvider + providers.length - 1, gpu: e.gpu, gpus, weight: unit * gpus, share: 0 }];
    });
    const total = endpoints.reduce((sum, e) => sum + e.weight, 0);
    return {
      name: pool.name,
      at,
      endpoints: endpoints.map((e) => ({ ...e, share: total > 0 ? e.weight / total : 0 })),
      loadBound: pool.loadBound ?? DEFAULT_POOL_LOAD_BOUND,
    };
  });
  return { pools: normalized, providers };
}

/**
 * The weight of one GPU of each type. An empty map with a sentinel means "every GPU
 * counts 1" (no table given); a type missing from a given table is reported by the caller.
 */
function gpuWeightTable(pool: Pool, at: Located<Pool>["at"], ctx: CompileContext): ReadonlyMap<string, number> {
  const used = new Set(pool.endpoints.map((e) => e.gpu));
  if (pool.gpuWeights !== undefined && pool.throughput !== undefined) {
    ctx.report("pool-weights-ambiguous", { pool: pool.name }, child(at, "throughput"), { part: "key" });
  }
  const table = pool.gpuWeights ?? pool.throughput;
  const tableName = pool.gpuWeights !== undefined ? "gpuWeights" : "throughput";
  if (table === undefined) {
    if (used.size > 1) ctx.report("pool-without-weights", { pool: pool.name, gpus: [...used].sort().join(", ") }, child(at, "name"));
    return new Map([...used].map((gpu) => [gpu, 1]));
  }
  for (const gpu of Object.keys(table)) {
    if (!used.has(gpu)) ctx.report("unused-gpu-weight", { table: tableName, gpu, pool: pool.name }, child(at, tableName, gpu), { part: "key" });
  }
  // Throughput and weights are both relative: a GPU's weight is its figure as given.
  return new Map(Object.entries(table));
}
