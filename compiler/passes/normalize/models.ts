/**
 * Models: targets and fallbacks with provider indices, upstream model names, weights
 * and prices defaulted, model fallbacks resolved to model indices, and the worst-case
 * limits merged. Prices come from the policy, else from the built-in catalog of the
 * provider's API host.
 */
import { catalogPrice } from "../../../schemas/catalog/prices.js";
import type { Model } from "../../../schemas/policy/model.js";
import type { Price } from "../../../schemas/policy/common.js";
import { type CompileContext, child } from "../../context.js";
import type { Located, NormalizedFallback, NormalizedModel, NormalizedPool, NormalizedPrice, NormalizedTarget, ResolvedPolicy } from "../../ir.js";
import { catalogContextWindow } from "../../../schemas/catalog/context-windows.js";
import { type LimitsLayer, limitsLayer, mergeLimits } from "./limits.js";
import { resolvedIndex } from "./lookup.js";
import { normalizeModelReliability } from "./reliability.js";
import { normalizeSelection } from "./selection.js";

/** The weight of a target that does not say. */
export const DEFAULT_TARGET_WEIGHT = 1;

/** Normalizes every model, in policy order; `providerHosts[i]` is provider i's API host (for catalog prices). */
export function normalizeModels(resolved: ResolvedPolicy, providerHosts: readonly string[], ctx: CompileContext, pools: readonly NormalizedPool[] = []): NormalizedModel[] {
  const gatewayLimits = limitsLayer(resolved.merged.limits, ctx);
  return resolved.merged.models.map((model) => normalizeModel(model, resolved, providerHosts, gatewayLimits, ctx, pools));
}

function normalizeModel(
  { value: model, at }: Located<Model>,
  resolved: ResolvedPolicy,
  providerHosts: readonly string[],
  gatewayLimits: LimitsLayer,
  ctx: CompileContext,
  pools: readonly NormalizedPool[],
): NormalizedModel {
  const { providerIndex, modelIndex } = resolved;
  const poolOf = (name: string): NormalizedPool | undefined => pools[resolved.poolIndex?.get(name) ?? -1];
  const priceOf = (written: Price | undefined, provider: number, upstreamModel: string): NormalizedPrice | null => {
    if (written !== undefined) {
      return {
        input: written.input ?? 0,
        output: written.output ?? 0,
        ...(written.cachedInput === undefined ? {} : { cachedInput: written.cachedInput }),
        ...(written.audioMinute === undefined ? {} : { audioMinute: written.audioMinute }),
        ...(written.characters === undefined ? {} : { characters: written.characters }),
        source: "policy",
      };
    }
    const listed = catalogPrice(providerHosts[provider] ?? "", upstreamModel);
    if (listed === undefined) return null;
    return { input: listed.input, output: listed.output, ...(listed.cachedInput === undefined ? {} : { cachedInput: listed.cachedInput }), source: "catalog" };
  };
  const fallbacks = (model.fallbacks ?? []).flatMap((f, i): NormalizedFallback[] => {
    const fallbackAt = child(at, "fallbacks", i);
    if (f.provider === undefined) {
      // resolve-refs has made sure `model` names a public model.
      return [{ kind: "model", model: resolvedIndex(modelIndex, f.model ?? ""), writtenPrice: f.price !== undefined, at: fallbackAt, on: f.on ?? null }];
    }
    const upstreamModel = f.model ?? model.name;
    // A fallback to a pool tries its endpoints, largest share first.
    const pool = poolOf(f.provider);
    const providers = pool === undefined ? [resolvedIndex(providerIndex, f.provider)] : [...pool.endpoints].sort((a, b) => b.share - a.share).map((e) => e.provider);
    return providers.map((provider) => ({
      kind: "target",
      provider,
      model: upstreamModel,
      weight: 0,
      writtenWeight: false,
      price: priceOf(f.price, provider, upstreamModel),
      at: fallbackAt,
      on: f.on ?? null,
    }));
  });
  let poolLoadBound: number | null = null;
  // The catalog window only matters to the cost strategy; other plans stay as they were.
  const usesCost =
    typeof model.strategy === "string" ? model.strategy === "cost" : model.strategy?.kind === "cost" || (model.strategy?.scorers?.some((s) => s.kind === "cost") ?? false);
  const targets = model.targets.flatMap((t, i): NormalizedTarget[] => {
    const upstreamModel = t.model ?? model.name;
    const weight = t.weight ?? DEFAULT_TARGET_WEIGHT;
    const contextWindow = t.contextWindow ?? (usesCost ? (catalogContextWindow(upstreamModel) ?? null) : null);
    const pool = poolOf(t.provider);
    // A pool target splits its weight over the endpoints by their GPU shares.
    if (pool !== undefined) poolLoadBound = Math.max(poolLoadBound ?? 0, pool.loadBound);
    const parts = pool === undefined ? [{ provider: resolvedIndex(providerIndex, t.provider), share: 1 }] : pool.endpoints;
    return parts.map((part) => ({
      provider: part.provider,
      model: upstreamModel,
      weight: Number((weight * part.share).toPrecision(12)),
      writtenWeight: t.weight !== undefined,
      price: priceOf(t.price, part.provider, upstreamModel),
      contextWindow,
      at: child(at, "targets", i),
    }));
  });
  return {
    name: model.name,
    at,
    targets,
    fallbacks,
    selection: normalizeSelection(model.strategy, model.name, at, poolLoadBound, ctx),
    limits: mergeLimits(gatewayLimits, limitsLayer(model.limits === undefined ? null : { value: model.limits, at: child(at, "limits") }, ctx)),
    reliability: normalizeModelReliability(model, at, ctx),
  };
}
