/**
 * The intermediate representations that flow between passes, in pipeline order:
 *
 *   Source[] → SourceDocument[] → ShapedDocument[] → MergedPolicy → ResolvedPolicy
 *            → NormalizedPolicy → LoweredPlan → RoutedPlan → PlanBody → FinalPlan
 *
 * Everything before `LoweredPlan` remembers where it came from (`Origin`), so any
 * pass can point a diagnostic at the exact YAML node. Types only; no logic.
 */
import type { UpstreamNetwork } from "../schemas/plan/address-class.js";
import type { Document, LineCounter } from "yaml";
import type { SourceSpan } from "./diagnostics/diagnostic.js";
import type { ErrorClassName } from "../schemas/plan/error-class.js";
import type { PlanHealth, PlanReliability } from "../schemas/plan/reliability.js";
import type { Plan, PlanConsumer, PlanListener, PlanModel, PlanRouteTable, PlanSelection, PlanTarget, PlanTimeouts, PlanUpstream } from "../schemas/plan/plan.js";
import type { PlanConcurrency, PlanUpstreamTls } from "../schemas/plan/operations.js";
import type { PlanQuota, PlanStores } from "../schemas/plan/quota.js";
import type { Quota, Stores } from "../schemas/policy/quota.js";
import type { ProviderKindName } from "../schemas/catalog/providers.js";
import type { PlanAdapterOptions } from "../schemas/plan/protocols.js";
import type { Classifier } from "../schemas/policy/classifier.js";
import type { Pool } from "../schemas/policy/pool.js";
import type { Constraint } from "../schemas/policy/constraint.js";
import type { Consumer } from "../schemas/policy/consumer.js";
import type { GuardrailSet } from "../schemas/policy/guardrail.js";
import type { PlanGuardrails } from "../schemas/plan/guardrails.js";
import type { NormalizedGuardrails } from "./guardrails/normalized-guardrails.js";
import type { GatewayPolicy } from "../schemas/policy/gateway.js";
import type { Limits } from "../schemas/policy/limits.js";
import type { Listener } from "../schemas/policy/listener.js";
import type { Model } from "../schemas/policy/model.js";
import type { Provider } from "../schemas/policy/provider.js";
import type { Route } from "../schemas/policy/route.js";
import type { SecretDeclaration } from "../schemas/policy/secret.js";
import type { PlanFeatures } from "./prompts/normalize-features.js";

/** A policy file handed to the compiler. `path` is how diagnostics name the file. */
export interface Source {
  readonly path: string;
  readonly text: string;
}

/** A path inside one policy document, e.g. `["providers", 0, "baseUrl"]`. */
export type PolicyPath = readonly (string | number)[];

/** One policy document: a YAML document, or the policy a TypeScript module exports. */
export type SourceDocument = YamlDocument | ScriptDocument;

/** One parsed YAML document, with what is needed to map a path back to file:line:col. */
export interface YamlDocument {
  readonly kind: "yaml";
  readonly file: string;
  /** 0-based position of the document in its file (`---` separated). */
  readonly index: number;
  readonly yaml: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The document as plain JS; `undefined` when the YAML itself had errors. */
  readonly value: unknown;
}

/**
 * The policy a TypeScript module exports, after evaluation. Its positions come from
 * the module's syntax tree: `locate` maps a path inside `value` to the node that
 * wrote it (possibly in another policy module it imports).
 */
export interface ScriptDocument {
  readonly kind: "typescript";
  readonly file: string;
  readonly index: 0;
  /** The exported policy as plain JSON values. */
  readonly value: unknown;
  /** The span of the node at `path` (or of its deepest located ancestor); `key` prefers the property name. */
  readonly locate: (path: PolicyPath, part: "key" | "value") => SourceSpan;
  /** Where the policy is written: the `defineGateway(` call or the exported expression. */
  readonly start: SourceSpan;
}

/** Where a policy value came from. */
export interface Origin {
  readonly doc: SourceDocument;
  readonly path: PolicyPath;
}

/** A policy value together with its origin. */
export interface Located<T> {
  readonly value: T;
  readonly at: Origin;
}

/** A document that passed the shape check. */
export interface ShapedDocument {
  readonly source: SourceDocument;
  readonly policy: GatewayPolicy;
}

/** All documents folded into one gateway; lists are concatenated in file order. */
export interface MergedPolicy {
  readonly listener: Located<Listener> | null;
  readonly providers: readonly Located<Provider>[];
  readonly models: readonly Located<Model>[];
  readonly routes: readonly Located<Route>[];
  readonly consumers: readonly Located<Consumer>[];
  readonly secrets: readonly Located<SecretDeclaration>[];
  /** The gateway-wide `limits` (set in at most one document). */
  readonly limits: Located<Limits> | null;
  readonly constraints: readonly Located<Constraint>[];
  /** Quotas, concatenated in file order. */
  readonly quotas: readonly Located<Quota>[];
  /** The `stores` block (set in at most one document). */
  readonly stores: Located<Stores> | null;
  readonly guardrails: readonly Located<GuardrailSet>[];
  /** GPU pools; their names share the provider namespace. */
  readonly pools: readonly Located<Pool>[];
  readonly classifiers: readonly Located<Classifier>[];
  /** Every document, for analyses that look at the whole policy (e.g. every secret reference). */
  readonly documents: readonly ShapedDocument[];
  /** Where gateway-wide findings (e.g. "no consumers") point: the first document, if any. */
  readonly anchor: Origin | null;
}

/** The merged policy plus name → index tables; every reference in it is known to resolve. */
export interface ResolvedPolicy {
  readonly merged: MergedPolicy;
  readonly providerIndex: ReadonlyMap<string, number>;
  readonly modelIndex: ReadonlyMap<string, number>;
  /** Pool name → index in `merged.pools`. */
  readonly poolIndex: ReadonlyMap<string, number>;
}

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
  readonly keys: readonly Located<string>[];
  readonly allowedModels: readonly boolean[];
  /** The `models` entries as written (null when omitted), for findings about the list itself. */
  readonly allowList: readonly Located<string>[] | null;
  readonly tags: Tags;
  /** The consumer's team, or null. */
  readonly team: string | null;
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
  readonly providers: readonly NormalizedProvider[];
  readonly models: readonly NormalizedModel[];
  readonly routes: readonly NormalizedRoute[];
  readonly consumers: readonly NormalizedConsumer[];
  readonly secrets: readonly Located<SecretDeclaration>[];
  readonly constraints: readonly NormalizedConstraint[];
  /** Quotas as written (compiled by the compile-quotas pass, which needs the normalized models). */
  readonly quotas: readonly Located<Quota>[];
  readonly stores: Located<Stores> | null;
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

/** The normalized policy plus every model's complete attempt order, model fallbacks flattened. */
export interface ExpandedPolicy extends NormalizedPolicy {
  /** attempts[m]: model m's targets by descending weight, standbys, then its fallbacks expanded; each target once. */
  readonly attempts: readonly (readonly AttemptStep[])[];
}

/** A model whose targets and fallbacks point into the plan's `targets`. */
export interface ModelDraft {
  readonly name: string;
  readonly targets: readonly { readonly target: number; readonly weight: number }[];
  readonly fallbacks: readonly number[];
  readonly selection?: PlanSelection | null;
  /** fallbackOn[i]: classes after which fallbacks[i] is tried, null for the default set. */
  readonly fallbackOn?: readonly (readonly ErrorClassName[] | null)[];
  readonly reliability?: PlanReliability | null;
}

/** The plan's quota and store entries, compiled by compile-quotas; absent when the policy has none. */
export interface QuotaPlanParts {
  readonly quotas?: PlanQuota[];
  readonly stores?: PlanStores;
}

/** The expanded policy plus its compiled quotas. */
export interface QuotaPolicy extends ExpandedPolicy {
  readonly compiledQuotas: QuotaPlanParts;
}

/** Plan parts that map one-to-one from the policy; tables come next. */
export interface LoweredPlan extends QuotaPlanParts {
  readonly listener: PlanListener;
  readonly upstreams: readonly PlanUpstream[];
  readonly targets: readonly PlanTarget[];
  readonly models: readonly ModelDraft[];
  readonly routes: readonly NormalizedRoute[];
  readonly consumers: readonly PlanConsumer[];
  readonly features: PlanFeatures;
  /** Absent when no route has guardrails. */
  readonly guardrails?: PlanGuardrails;
  /** Content classifiers; the route table compiles the ones routes use. */
  readonly classifiers?: readonly NormalizedClassifier[];
}

/** LoweredPlan plus the compiled route table. */
export interface RoutedPlan extends Omit<LoweredPlan, "routes" | "features" | "classifiers"> {
  readonly routing: PlanRouteTable;
  readonly publicModels: Plan["publicModels"];
  readonly templates?: Plan["templates"];
}

/** Everything in the plan except the stamp (`planVersion`, `compilerVersion`, `hash`). */
export interface PlanBody extends Omit<RoutedPlan, "models"> {
  readonly models: readonly PlanModel[];
}

/** The finished plan and its exact file text. */
export interface FinalPlan {
  readonly plan: Plan;
  readonly json: string;
}
