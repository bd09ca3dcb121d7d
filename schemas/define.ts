/**
 * TypeScript authoring: `defineGateway` returns its argument unchanged, and exists for
 * its signature. The names a policy declares are inferred as string-literal unions —
 * providers (and pools), models, consumers, teams, guardrail sets, templates and
 * classifiers — and every reference to one of them is checked against them, so a
 * typo is a type error in the editor (with completion of the valid names):
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
 * References checked: model targets and fallbacks; routes (`model`, `match.consumer`,
 * `match.team`, `match.classifier`, `guardrails`, `prompts.templates`, the semantic
 * cache's embedding provider); model `guardrails`; consumer allow-lists; quotas
 * (`match.teams`, `match.consumers`, `match.models`, `action.downgrade`); guardrail
 * moderation providers; policy tests (`given.consumer`, expected model and provider).
 *
 * A document that declares none of a kind (they live in another file) leaves that
 * kind's references as `string`, checked by the compiler instead. When the compiler
 * type-checks a TypeScript policy next to YAML files, it declares the names the YAML
 * defines in the global `TollgatePolicyNames` interface, so references to them are
 * accepted too.
 *
 * The types are the zod schemas' own (`z.infer`) with the reference fields narrowed,
 * so fields added to the policy language appear here without edits.
 */
import type { Consumer } from "./policy/consumer.js";
import type { GatewayPolicy } from "./policy/gateway.js";
import type { GuardrailSet } from "./policy/guardrail.js";
import type { Fallback, Model, Target } from "./policy/model.js";
import type { PolicyTest } from "./policy/policy-test.js";
import type { Pool } from "./policy/pool.js";
import type { Provider } from "./policy/provider.js";
import type { Quota } from "./policy/quota.js";
import type { Route } from "./policy/route.js";

declare global {
  /**
   * Names that other documents of the same compilation (YAML files) declare, by kind
   * (`providers`, `models`, `consumers`, `teams`, `guardrails`, `templates`,
   * `classifiers`): declared by the compiler when it type-checks a TypeScript policy
   * that sits next to YAML ones. Empty otherwise.
   */
  interface TollgatePolicyNames {}
}

/** The kinds of names a policy declares. */
export type NameKind = "providers" | "models" | "consumers" | "teams" | "guardrails" | "templates" | "classifiers";

/** Names of a kind that other documents declare (see `TollgatePolicyNames`). */
export type DeclaredElsewhere<K extends NameKind> = TollgatePolicyNames extends { readonly [Q in K]: infer N extends string } ? N : never;

/** A reference to a name of kind `K`: one this document declares (`N`), or one another document does. */
type Ref<N extends string, K extends NameKind> = NoInfer<N> | DeclaredElsewhere<K>;

/**
 * `T` with the fields named in `R` replaced by `R`'s types. Homomorphic, so optional
 * fields stay optional; distributive, so each member of a union is narrowed.
 */
type Override<T, R> = T extends unknown ? { [K in keyof T]: K extends keyof R ? R[K] : T[K] } : never;

/** One name, or a list of them (route matchers). */
type OneOrMore<N> = N | readonly N[];

/** A secret reference: `env:NAME` or `file:/path`. A literal key is a type error. */
export type SecretReference = `env:${string}` | `file:/${string}`;

/** The names a gateway declares, by kind; each defaults to `string` (unchecked). */
export interface PolicyNames {
  readonly providers: string;
  readonly models: string;
  readonly consumers: string;
  readonly teams: string;
  readonly guardrails: string;
  readonly templates: string;
  readonly classifiers: string;
}

/** A provider whose name is the literal `P`. */
export type ProviderDefinition<P extends string> = Override<Provider, { name: P; apiKeys?: readonly SecretReference[] }>;

/** A GPU pool whose name (like a provider's) is the literal `P`: targets refer to it as `provider`. */
export type PoolDefinition<P extends string> = Override<Pool, { name: P; apiKeys?: readonly SecretReference[] }>;

/** A model target on one of the declared providers. */
export type TargetDefinition<P extends string> = Override<Target, { provider: Ref<P, "providers"> }>;

/**
 * A model fallback: a target on one of the declared providers, or (without
 * `provider`) one of the declared models, whose own attempt order is tried instead.
 */
export type FallbackDefinition<P extends string, M extends string> =
  | (Override<Fallback, { provider: Ref<P, "providers"> }> & { readonly provider: Ref<P, "providers"> })
  | (Override<Fallback, { provider: undefined; model: Ref<M, "models"> }> & { readonly model: Ref<M, "models"> });

/** A model named `M` whose targets, fallbacks and guardrails use declared names. */
export type ModelDefinition<P extends string, M extends string, G extends string = string> = Override<
  Model,
  { name: M; targets: readonly TargetDefinition<P>[]; fallbacks?: readonly FallbackDefinition<P, M>[]; guardrails?: readonly Ref<G, "guardrails">[] }
>;

type RouteCacheDefinition<P extends string> = Override<
  NonNullable<Route["cache"]>,
  {
    semantic?: Override<
      NonNullable<NonNullable<Route["cache"]>["semantic"]>,
      { embedding: Override<NonNullable<NonNullable<Route["cache"]>["semantic"]>["embedding"], { provider: Ref<P, "providers"> }> }
    >;
  }
>;

/** A route to one of the declared models, matching declared consumers, teams and classifiers. */
export type RouteDefinition<M extends string, N extends PolicyNames = PolicyNames> = Override<
  Route,
  {
    model: Ref<M, "models">;
    match: Override<
      Route["match"],
      { consumer?: OneOrMore<Ref<N["consumers"], "consumers">>; team?: OneOrMore<Ref<N["teams"], "teams">>; classifier?: OneOrMore<Ref<N["classifiers"], "classifiers">> }
    >;
    guardrails?: readonly Ref<N["guardrails"], "guardrails">[];
    prompts?: Override<NonNullable<Route["prompts"]>, { templates?: readonly Ref<N["templates"], "templates">[] }>;
    cache?: RouteCacheDefinition<N["providers"]>;
  }
>;

/** A consumer named `C` whose allow-list names declared models (or `*`), in team `T`. */
export type ConsumerDefinition<M extends string, C extends string = string, T extends string = string> = Override<
  Consumer,
  { name: C; team?: T; models?: readonly (Ref<M, "models"> | "*")[] }
>;

/** A quota whose matchers and downgrade name declared teams, consumers and models. */
export type QuotaDefinition<N extends PolicyNames> = Override<
  Quota,
  {
    match?: Override<
      NonNullable<Quota["match"]>,
      { teams?: readonly Ref<N["teams"], "teams">[]; consumers?: readonly Ref<N["consumers"], "consumers">[]; models?: readonly Ref<N["models"], "models">[] }
    >;
    action?: "reject" | { readonly downgrade: Ref<N["models"], "models"> };
  }
>;

type Checks = NonNullable<GuardrailSet["input"]>;

/** A guardrail set named `G` whose moderation calls a declared provider. */
export type GuardrailSetDefinition<P extends string, G extends string = string> = Override<
  GuardrailSet,
  { name: G; input?: Override<Checks, { moderation?: Override<NonNullable<Checks["moderation"]>, { provider: Ref<P, "providers"> }> }> }
>;

/** A policy test whose request and expectations name declared consumers, models and providers. */
export type PolicyTestDefinition<P extends string, M extends string, C extends string = string> = Override<
  PolicyTest,
  {
    given: Override<PolicyTest["given"], { consumer?: Ref<C, "consumers"> }>;
    expect: Override<PolicyTest["expect"], { model?: Ref<M, "models">; target?: Override<NonNullable<PolicyTest["expect"]["target"]>, { provider: Ref<P, "providers"> }> }>;
  }
>;

/** A template named `Tm`. */
type TemplateDefinition<Tm extends string> = Override<NonNullable<GatewayPolicy["templates"]>[number], { name: Tm }>;

/** A classifier named `K`. */
type ClassifierDefinition<K extends string> = Override<NonNullable<GatewayPolicy["classifiers"]>[number], { name: K }>;

/**
 * A gateway policy with provider names `P`, model names `M`, consumer names `C`, teams
 * `T`, guardrail sets `G`, templates `Tm` and classifiers `K`.
 */
export type GatewayDefinition<
  P extends string,
  M extends string,
  C extends string = string,
  T extends string = string,
  G extends string = string,
  Tm extends string = string,
  K extends string = string,
> = Override<
  GatewayPolicy,
  {
    providers?: readonly ProviderDefinition<P>[];
    pools?: readonly PoolDefinition<P>[];
    models?: readonly ModelDefinition<P, M, G>[];
    routes?: readonly RouteDefinition<M, { providers: P; models: M; consumers: C; teams: T; guardrails: G; templates: Tm; classifiers: K }>[];
    consumers?: readonly ConsumerDefinition<M, C, T>[];
    quotas?: readonly QuotaDefinition<{ providers: P; models: M; consumers: C; teams: T; guardrails: G; templates: Tm; classifiers: K }>[];
    guardrails?: readonly GuardrailSetDefinition<P, G>[];
    templates?: readonly TemplateDefinition<Tm>[];
    classifiers?: readonly ClassifierDefinition<K>[];
    tests?: readonly PolicyTestDefinition<P, M, C>[];
  }
>;

/**
 * Declares a gateway policy; returns it unchanged. The names are inferred from the
 * lists that declare them. A document that declares none of a kind (they live in
 * another file) leaves that kind as `string`, so its references are checked by the
 * compiler instead; pass them explicitly to type-check such references too:
 * `defineGateway<"openai" | "vllm">({ … })`.
 */
export function defineGateway<
  P extends string = string,
  M extends string = string,
  C extends string = string,
  T extends string = string,
  G extends string = string,
  Tm extends string = string,
  K extends string = string,
>(gateway: GatewayDefinition<P, M, C, T, G, Tm, K>): GatewayDefinition<P, M, C, T, G, Tm, K> {
  return gateway;
}
