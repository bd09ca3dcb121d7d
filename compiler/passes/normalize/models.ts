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
import type { Located, NormalizedFallback, NormalizedModel, NormalizedPrice, ResolvedPolicy } from "../../ir.js";
import { type LimitsLayer, limitsLayer, mergeLimits } from "./limits.js";
import { resolvedIndex } from "./lookup.js";
import { normalizeModelReliability } from "./reliability.js";

/** The weight of a target that does not say. */
export const DEFAULT_TARGET_WEIGHT = 1;

/** Normalizes every model, in policy order; `providerHosts[i]` is provider i's API host (for catalog prices). */
export function normalizeModels(resolved: ResolvedPolicy, providerHosts: readonly string[], ctx: CompileContext): NormalizedModel[] {
  const gatewayLimits = limitsLayer(resolved.merged.limits, ctx);
  return resolved.merged.models.map((model) => normalizeModel(model, resolved, providerHosts, gatewayLimits, ctx));
}

function normalizeModel(
  { value: model, at }: Located<Model>,
  resolved: ResolvedPolicy,
  providerHosts: readonly string[],
  gatewayLimits: LimitsLayer,
  ctx: CompileContext,
): NormalizedModel {
  const { providerIndex, modelIndex } = resolved;
  const priceOf = (written: Price | undefined, provider: number, upstreamModel: string): NormalizedPrice | null => {
    if (written !== undefined) {
      return { input: written.input, output: written.output, ...(written.cachedInput === undefined ? {} : { cachedInput: written.cachedInput }), source: "policy" };
    }
    const listed = catalogPrice(providerHosts[provider] ?? "", upstreamModel);
    if (listed === undefined) return null;
    return { input: listed.input, output: listed.output, ...(listed.cachedInput === undefined ? {} : { cachedInput: listed.cachedInput }), source: "catalog" };
  };
  const fallbacks = (model.fallbacks ?? []).map((f, i): NormalizedFallback => {
    const fallbackAt = child(at, "fallbacks", i);
    if (f.provider === undefined) {
      // resolve-refs has made sure `model` names a public model.
      return { kind: "model", model: resolvedIndex(modelIndex, f.model ?? ""), writtenPrice: f.price !== undefined, at: fallbackAt, on: f.on ?? null };
    }
    const upstreamModel = f.model ?? model.name;
    const provider = resolvedIndex(providerIndex, f.provider);
    return {
      kind: "target",
      provider,
      model: upstreamModel,
      weight: 0,
      writtenWeight: false,
      price: priceOf(f.price, provider, upstreamModel),
      at: fallbackAt,
      on: f.on ?? null,
    };
  });
  return {
    name: model.name,
    at,
    targets: model.targets.map((t, i) => {
      const upstreamModel = t.model ?? model.name;
      const provider = resolvedIndex(providerIndex, t.provider);
      return {
        provider,
        model: upstreamModel,
        weight: t.weight ?? DEFAULT_TARGET_WEIGHT,
        writtenWeight: t.weight !== undefined,
        price: priceOf(t.price, provider, upstreamModel),
        at: child(at, "targets", i),
      };
    }),
    fallbacks,
    limits: mergeLimits(gatewayLimits, limitsLayer(model.limits === undefined ? null : { value: model.limits, at: child(at, "limits") }, ctx)),
    reliability: normalizeModelReliability(model, at, ctx),
  };
}
