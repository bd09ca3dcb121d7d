/**
 * TypeScript authoring: `defineGateway` returns its argument unchanged, and exists for
 * its signature. Provider names and model names are inferred as string-literal unions
 * from the `providers` and `models` lists, and every reference to them (model
 * targets, fallbacks to providers or to models, routes, consumer allow-lists, policy
 * tests) must be one of those literals, so a typo is a type error in the editor:
 *
 * ```ts
 * import { defineGateway } from "tollgate";
 * export default defineGateway({
 *   apiVersion: "tollgate/v1",
 *   providers: [{ name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1" }],
 *   models: [{ name: "chat", targets: [{ provider: "opneai" }] }],
 *   //                                             ~~~~~~~~ '"opneai"' is not assignable to '"openai"'
 * });
 * ```
 *
 * The types are the zod schemas' own (`z.infer`) with the reference fields narrowed,
 * so fields added to the policy language appear here without edits.
 */
import type { Consumer } from "./policy/consumer.js";
import type { GatewayPolicy } from "./policy/gateway.js";
import type { Fallback, Model, Target } from "./policy/model.js";
import type { PolicyTest } from "./policy/policy-test.js";
import type { Pool } from "./policy/pool.js";
import type { Provider } from "./policy/provider.js";
import type { Route } from "./policy/route.js";

/**
 * `T` with the fields named in `R` replaced by `R`'s types. Homomorphic, so optional
 * fields stay optional; distributive, so each member of a union is narrowed.
 */
type Override<T, R> = T extends unknown ? { [K in keyof T]: K extends keyof R ? R[K] : T[K] } : never;

/** A secret reference: `env:NAME` or `file:/path`. A literal key is a type error. */
export type SecretReference = `env:${string}` | `file:/${string}`;

/** A provider whose name is the literal `P`. */
export type ProviderDefinition<P extends string> = Override<Provider, { name: P; apiKeys?: readonly SecretReference[] }>;

/** A GPU pool whose name (like a provider's) is the literal `P`: targets refer to it as `provider`. */
export type PoolDefinition<P extends string> = Override<Pool, { name: P; apiKeys?: readonly SecretReference[] }>;

/** A model target on one of the declared providers. */
export type TargetDefinition<P extends string> = Override<Target, { provider: NoInfer<P> }>;

/**
 * A model fallback: a target on one of the declared providers, or (without
 * `provider`) one of the declared models, whose own attempt order is tried instead.
 */
export type FallbackDefinition<P extends string, M extends string> =
  | (Override<Fallback, { provider: NoInfer<P> }> & { readonly provider: NoInfer<P> })
  | (Override<Fallback, { provider: undefined; model: NoInfer<M> }> & { readonly model: NoInfer<M> });

/** A model named `M` whose targets and fallbacks use the declared providers. */
export type ModelDefinition<P extends string, M extends string> = Override<
  Model,
  { name: M; targets: readonly TargetDefinition<P>[]; fallbacks?: readonly FallbackDefinition<P, M>[] }
>;

/** A route to one of the declared models. */
export type RouteDefinition<M extends string> = Override<Route, { model: NoInfer<M> }>;

/** A consumer whose allow-list names declared models (or `*`). */
export type ConsumerDefinition<M extends string> = Override<Consumer, { models?: readonly (NoInfer<M> | "*")[] }>;

/** A policy test whose expectations name declared models and providers. */
export type PolicyTestDefinition<P extends string, M extends string> = Override<
  PolicyTest,
  {
    expect: Override<PolicyTest["expect"], { model?: NoInfer<M>; target?: Override<NonNullable<PolicyTest["expect"]["target"]>, { provider: NoInfer<P> }> }>;
  }
>;

/** A gateway policy with provider names `P` and model names `M`. */
export type GatewayDefinition<P extends string, M extends string> = Override<
  GatewayPolicy,
  {
    providers?: readonly ProviderDefinition<P>[];
    pools?: readonly PoolDefinition<P>[];
    models?: readonly ModelDefinition<P, M>[];
    routes?: readonly RouteDefinition<M>[];
    consumers?: readonly ConsumerDefinition<M>[];
    tests?: readonly PolicyTestDefinition<P, M>[];
  }
>;

/**
 * Declares a gateway policy; returns it unchanged. `P` and `M` are inferred from the
 * `providers` and `models` lists. A document that declares no providers (they live in
 * another file) leaves `P` as `string`, so its references are checked by the compiler
 * instead; the same holds for `M`. Pass them explicitly to type-check such references
 * too: `defineGateway<"openai" | "vllm">({ … })`.
 */
export function defineGateway<P extends string = string, M extends string = string>(gateway: GatewayDefinition<P, M>): GatewayDefinition<P, M> {
  return gateway;
}
