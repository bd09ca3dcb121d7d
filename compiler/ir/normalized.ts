/** The normalized policy: defaults applied, every name an index, every model's attempt order flat. Types only. */
import type { ErrorClassName } from "../../schemas/plan/error-class.js";
import type { PlanHealth, PlanReliability } from "../../schemas/plan/reliability.js";
import type { PlanListener, PlanSelection, PlanTimeouts, PlanUpstream } from "../../schemas/plan/plan.js";
import type { PlanConcurrency, PlanUpstreamTls } from "../../schemas/plan/operations.js";
import type { Quota, Stores } from "../../schemas/policy/quota.js";
import type { CostTags } from "../../schemas/policy/cost-tags.js";
import type { ProviderKindName } from "../../schemas/catalog/providers.js";
import type { PlanAdapterOptions } from "../../schemas/plan/protocols.js";
import type { Classifier } from "../../schemas/policy/classifier.js";
import type { Consumer } from "../../schemas/policy/consumer.js";
import type { NormalizedGuardrails } from "../guardrails/normalized-guardrails.js";
import type { Provider } from "../../schemas/policy/provider.js";
import type { SecretDeclaration } from "../../schemas/policy/secret.js";
import type { PlanFeatures } from "../prompts/normalize-features.js";
import type { Origin, Located } from "./source.js";
import type { UpstreamNetwork } from "../../schemas/plan/address-class.js";
import type { ShapedDocument } from "./policy.js";

/** A provider with defaults applied and its base URL split. */
export interface NormalizedProvider {
  readonly name: string;
  readonly at: Origin;
  /** The adapter id (the wire protocol). */
  readonly kind: PlanUpstream["adapter"];
  /** The policy's `kind`: a protocol or a catalog vendor. */
  readonly vendor: ProviderKindName;
  /** The adapter's settings, defaults filled. */
  readonly options: PlanAdapterOptions;
  /** Every secret reference the provider's calls need (`apiKeys` and per-kind credentials). */
  readonly credentialRefs: readonly string[];
  readonly origin: string;
  readonly basePath: string;
  readonly protocol: "http:" | "https:";
  readonly hostname: string;
  /** Which addresses the upstream may reach (schemas/plan/address-class.ts): `private` as the policy opts in, `loopback` when the base URL names a loopback host. */
  readonly network: UpstreamNetwork;
  readonly apiKeys: readonly string[];
  readonly optional: boolean;
  readonly timeouts: PlanTimeouts;
  /** The timeouts the author wrote (the others are defaults). */
  readonly writtenTimeouts: readonly TimeoutField[];
  readonly connections: number;
  readonly tags: Tags;
  /** Upstream certificate verification (https only), or null. */
  readonly tls: PlanUpstreamTls | null;
  /** Concurrent request limit, or null. */
  readonly concurrency: PlanConcurrency | null;
  /** Weights of `apiKeys`, or null when all keys weigh the same. */
  readonly keyWeights: readonly number[] | null;
  /** Circuit breaker settings, or null when the provider has no `health`. */
  readonly health: PlanHealth | null;
}

/** Tags with their values as text (`zdr: true` → "true"). */
export type Tags = ReadonlyMap<string, string>;

/** USD per million tokens, and where the figure came from. */
export interface NormalizedPrice {
  readonly input: number;
  readonly output: number;
  /** USD per million prompt-cache reads, when known. */
  readonly cachedInput?: number;
  /** USD per minute of audio transcribed, when given. */
  readonly audioMinute?: number;
  /** USD per million characters spoken, when given. */
  readonly characters?: number;
  readonly source: "policy" | "catalog";
}

/** The timeout fields of a provider. */
export type TimeoutField = "connect" | "firstByte" | "idle" | "total";

/** A target or fallback: provider index plus the upstream model name. */
export interface NormalizedTarget {
  readonly provider: number;
  readonly model: string;
  /** Always 0 for fallbacks. */
  readonly weight: number;
  /** True when the author wrote `weight` (false for defaults and fallbacks). */
  readonly writtenWeight: boolean;
  /** The policy's `price`, else the catalog's for the upstream model name, else null. */
  readonly price: NormalizedPrice | null;
  /** Context window in tokens (policy, else catalog), or null when unknown. */
  readonly contextWindow?: number | null;
  readonly at: Origin;
  /** Fallbacks only: the error classes it is tried after (`on:`), or null for the default set. */
  readonly on?: readonly ErrorClassName[] | null;
}

/** A fallback entry: a provider target, or another public model tried in its place. */
export type NormalizedFallback = ({ readonly kind: "target" } & NormalizedTarget) | ModelFallback;

/** A fallback to another public model: its whole attempt order is tried at this point. */
export interface ModelFallback {
  readonly kind: "model";
  /** Index of the model fallen back to. */
  readonly model: number;
  /** True when the entry also sets `price`, which a model fallback ignores. */
  readonly writtenPrice: boolean;
  readonly at: Origin;
  /** The error classes the fallback is tried after (`on:`), or null for the default set. */
  readonly on: readonly ErrorClassName[] | null;
}

/** A model with its targets and fallbacks resolved and defaulted. */
export interface NormalizedModel {
  readonly name: string;
  readonly at: Origin;
  readonly targets: readonly NormalizedTarget[];
  readonly fallbacks: readonly NormalizedFallback[];
  readonly limits: NormalizedLimits;
  /** Retries, attempt budget, deadline, hedging, degraded answer; null when none is set (`maxAttempts` 0: not written). */
  readonly reliability: PlanReliability | null;
  /** The compiled selection program, or null for a plain weighted draw. */
  readonly selection?: PlanSelection | null;
}

/** A model's worst-case ceilings: the gateway's `limits` overridden field by field by the model's. */
export interface NormalizedLimits {
  readonly maxLatencyMs: Located<number> | null;
  readonly maxCostUsd: Located<number> | null;
  readonly assumedTokens: { readonly input: number; readonly output: number };
}

/** A route in matching order: explicit routes first, then one implicit route per model. */
export interface NormalizedRoute {
  readonly name: string;
  /** How diagnostics refer to the route, e.g. "`fast`" or "`match.model: gpt-*`". */
  readonly label: string;
  /** The model-name pattern; `*` when the route matches on headers only. */
  readonly pattern: string;
  readonly glob: boolean;
  /** Header conditions, all of which must hold; empty for most routes. */
  readonly headers: readonly NormalizedHeaderMatch[];
  readonly model: number;
  readonly implicit: boolean;
  /** Conditions beyond model name and headers (path, consumer, prompt size, classifier); null for most routes. */
  readonly extra?: RouteExtraConditions | null;
  readonly at: Origin;
}

/** A route's conditions beyond model name and headers, resolved; each non-null part must hold. */
export interface RouteExtraConditions {
  readonly paths: readonly string[] | null;
  /** Consumer indices the consumer/team/tag matchers allow. */
  readonly consumers: readonly number[] | null;
  /** Inclusive bounds on estimated prompt tokens. */
  readonly promptTokens: { readonly min: number; readonly max: number | null } | null;
  /** Classifier indices (any must match). */
  readonly classifiers: readonly number[] | null;
}

/** A GPU pool after expansion: its endpoints are providers `firstProvider …` in `providers`. */
export interface NormalizedPool {
  readonly name: string;
  readonly at: Origin;
  /** Provider index of each endpoint, and its share of the pool's traffic (shares add up to 1). */
  readonly endpoints: readonly { readonly provider: number; readonly gpu: string; readonly gpus: number; readonly weight: number; readonly share: number }[];
  readonly loadBound: number;
}

/** A content classifier with its defaults applied. */
export interface NormalizedClassifier {
  readonly name: string;
  readonly at: Origin;
  readonly keywords: readonly string[];
  readonly patterns: readonly Located<string>[];
  readonly caseSensitive: boolean;
  readonly wholeWords: boolean;
}

/** The condition on one header: each non-null part must hold. */
export interface NormalizedHeaderMatch {
  /** Lower-case header name. */
  readonly header: string;
  readonly exact: string | null;
  readonly regex: string | null;
  /** true: must be sent; false: must not be sent; null: not said (implied by exact/regex). */
  readonly present: boolean | null;
  readonly at: Origin;
}

/** A consumer with lower-case key digests and its allow-list as one flag per model. */
export interface NormalizedConsumer {
  readonly name: string;
  readonly at: Origin;
  /** Unkeyed SHA-256 digests; `hmacKeys`: keyed ones; `expiry`: digest (either form) → instant (ms). Lower-case hex. */
  readonly keys: readonly Located<string>[];
  readonly hmacKeys?: readonly Located<string>[];
  readonly expiry?: readonly { readonly digest: string; readonly expiresAt: number; readonly at: Origin }[];
  readonly allowedModels: readonly boolean[];
  /** The `models` entries as written (null when omitted), for findings about the list itself. */
  readonly allowList: readonly Located<string>[] | null;
  readonly tags: Tags;
  /** The consumer's team, or null. */
  readonly team: string | null;
  /** Per key: its name and cost-allocation tags as written (null when absent). */
  readonly keyLabels?: readonly { readonly name: string | null; readonly tags: Tags | null }[];
}

/** A compliance constraint with its tag selectors as text. */
export interface NormalizedConstraint {
  readonly name: string;
  readonly at: Origin;
  readonly consumerTags: Tags;
  readonly providerTags: Tags;
}

/** The whole gateway with defaults applied and every name resolved to an index. */
export interface NormalizedPolicy {
  readonly listener: PlanListener;
  readonly apiKeyExpiryWarning?: string | number; // listener.apiKeys.expiryWarning as written (check-consumers)
  readonly providers: readonly NormalizedProvider[];
  readonly models: readonly NormalizedModel[];
  readonly routes: readonly NormalizedRoute[];
  readonly consumers: readonly NormalizedConsumer[];
  readonly secrets: readonly Located<SecretDeclaration>[];
  readonly constraints: readonly NormalizedConstraint[];
  /** Quotas as written (compiled by the compile-quotas pass, which needs the normalized models). */
  readonly quotas: readonly Located<Quota>[];
  readonly stores: Located<Stores> | null;
  readonly costTags?: Located<CostTags> | null;
  readonly guardrails: NormalizedGuardrails;
  readonly pools?: readonly NormalizedPool[];
  readonly classifiers?: readonly NormalizedClassifier[];
  /** Every policy document, for whole-policy scans. */
  readonly documents: readonly ShapedDocument[];
  readonly anchor: Origin | null;
  /** Templates, stores, and each explicit route's prompts/cache/memory, already in plan form. */
  readonly features: PlanFeatures;
}

/** One attempt a request for a model may make, and the model fallbacks that led to it. */
export interface AttemptStep {
  readonly target: NormalizedTarget;
  /** The model-fallback edges followed from the requested model, in order (empty for its own entries). */
  readonly via: readonly ModelFallbackHop[];
  /** The error classes after which this step is tried (a fallback's `on:`); absent or null for the default set. */
  readonly on?: readonly ErrorClassName[] | null;
}

/** One model-fallback edge: `from` falls back to `to` at the fallback entry `at`. */
export interface ModelFallbackHop {
  readonly from: number;
  readonly to: number;
  readonly at: Origin;
}
