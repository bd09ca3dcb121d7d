/**
 * The live form of a plan: the same indices, now pointing at objects (pools, maps,
 * compiled regexes, resolved secrets). Built once by `linkPlan`; each request holds
 * the LinkedPlan it started with until it ends.
 */
import type { LinkedKeys } from "./link-keys.js";
import type { LinkedCostTags } from "../routing/cost-tags.js";
import type { Glob } from "../../schemas/plan/glob-match.js";
import type { UpstreamPool } from "../upstream/pool.js";
import type { Plan, PlanListener, PlanTarget, PlanTimeouts } from "../../schemas/plan/plan.js";
import type { PlanAdapterOptions } from "../../schemas/plan/protocols.js";
import type { ChatAdapter } from "../adapters/adapter.js";
import type { LinkedCredentials } from "./link-credentials.js";
import type { LinkedGuardrails } from "../stages/guardrails/linked-guardrails.js";
import type { LinkedHeaderCondition } from "../routing/header-conditions.js";
import type { LinkedFeatures } from "../stages/features/link-features.js";
import type { ConcurrencyLimiter } from "../upstream/concurrency-limiter.js";
import type { HealthState, LinkedReliability, UpstreamReliability } from "../reliability/linked-reliability.js";
import type { LinkedClassifiers } from "../routing/content/linked-classifiers.js";
import type { LinkedRouteExtras } from "../routing/route-extras.js";
import type { AvailabilityRef } from "../routing/selection/availability.js";
import type { Selector } from "../routing/selection/selector.js";
import type { TargetStats } from "../routing/selection/target-stats.js";

export interface LinkedUpstream {
  readonly name: string;
  readonly pool: UpstreamPool;
  /** The wire protocol's adapter (runtime/adapters/registry.ts). */
  readonly adapter: ChatAdapter;
  /** The adapter's settings, from the plan. */
  readonly options: PlanAdapterOptions;
  /** scheme://host[:port] (the pool's origin), for adapters that sign requests. */
  readonly origin: string;
  /** Path prefix in front of the API paths, without a trailing slash. */
  readonly basePath: string;
  /** Path of the OpenAI chat completions endpoint on this upstream (OpenAI-compatible adapters). */
  readonly chatPath: string;
  readonly timeouts: PlanTimeouts;
  /** Lower-case name of the header that carries the key (`authorization`, `api-key`, `x-api-key`, …), or null. */
  readonly authHeader: string | null;
  /** Full values of `authHeader` (`Bearer <key>`, or the bare key), used in turn; empty when the upstream needs no key. */
  readonly authorizations: readonly string[];
  /** Round-robin cursor over `authorizations`. */
  nextKey: number;
  /** Per-protocol credentials (AWS keys, an access token), resolved; never logged. */
  readonly credentials: LinkedCredentials;
  /** Why the upstream is disabled (an optional provider with unset secrets), or null. */
  readonly disabled: string | null;
  /** The concurrent-request limit, or null when the plan sets none. */
  readonly limiter: ConcurrencyLimiter | null;
  /** Breaker slot, key slots and first-token timeout (runtime/reliability/). */
  readonly reliability: UpstreamReliability;
}

export interface LinkedTarget {
  readonly upstream: LinkedUpstream;
  /** The model name sent upstream. */
  readonly model: string;
  /** Live load and latency of this target, kept only when a selection program reads them; else null. */
  readonly stats?: TargetStats | null;
  /** USD per 1M tokens (input, output, cached input), or null when unpriced; for spend accounting and the `cost` scorer. */
  readonly price?: PlanTarget["price"] | null;
  /** Context window in tokens, for the `cost` scorer; 0 when unknown (no limit assumed). */
  readonly contextWindow?: number;
}

export interface LinkedModel {
  /** Index in the plan's `models`, for consumer allow-lists. */
  readonly index: number;
  readonly name: string;
  /** Targets to pick from by weight (enabled ones only). */
  readonly weighted: readonly LinkedTarget[];
  readonly cumulativeWeights: readonly number[];
  /** Attempt order after the picked target (which is skipped when met here). */
  readonly fallbacks: readonly LinkedTarget[];
  /** Why the model cannot be served at all, or null. */
  readonly unavailable: string | null;
  /** fallbackMasks[i]: error-class bits after which fallbacks[i] is tried; null when all use the default. */
  readonly fallbackMasks: Int32Array | null;
  /** Retries, budget, deadline, hedging, degraded answer; null when none is configured. */
  readonly reliability: LinkedReliability | null;
  /** The selection program (filter → score → pick), or null for one weighted draw. */
  readonly selector?: Selector | null;
}

/** A route: where matching requests go, and the header conditions they must meet. */
export interface LinkedRoute {
  /** Index in the plan's `routing.routes`. */
  readonly index: number;
  readonly name: string;
  readonly model: LinkedModel;
  /** All must hold; null for a route without header conditions (most routes). */
  readonly conditions: readonly LinkedHeaderCondition[] | null;
  /** Path, consumer, prompt-size and classifier conditions; null for most routes. */
  readonly extras: LinkedRouteExtras | null;
}

/** The route table, linked (see routing/link-routes.ts). */
export interface LinkedRouteTable {
  /** Route index → route. */
  readonly routes: readonly LinkedRoute[];
  /** Requested name → candidate routes in first-match order; usually one route without conditions. */
  readonly exactRoutes: ReadonlyMap<string, readonly LinkedRoute[]>;
  /** Glob routes in policy order, regexes compiled. */
  readonly globRoutes: readonly { readonly glob: Glob; readonly route: LinkedRoute }[];
  /** What RouteFacts need when some route has extra conditions; null otherwise (no per-request facts). */
  readonly routeFacts: { readonly tokenCap: number; readonly classifiers: LinkedClassifiers | null } | null;
}

export interface LinkedConsumer {
  /** Index in the plan's `consumers` (route consumer conditions test it). */
  readonly index?: number;
  readonly name: string;
  /** allowed[i]: may use models[i]. */
  readonly allowed: readonly boolean[];
}

export interface LinkedPlan extends LinkedRouteTable, LinkedKeys {
  readonly plan: Plan;
  readonly hash: string;
  readonly listener: PlanListener;
  readonly models: readonly LinkedModel[];
  /** Tags requests add by header, and tags that label metrics; null when the plan declares none. */
  readonly costTags: LinkedCostTags | null;
  /** Body of GET /v1/models per consumer, built lazily once. */
  readonly modelListCache: Map<LinkedConsumer, string>;
  /** Circuit breakers and API key state of this plan's upstreams. */
  readonly health: HealthState;
  /** Guardrail chain per route index (null entries: none); null when no route has guardrails. */
  readonly guardrailsByRoute: readonly (LinkedGuardrails | null)[] | null;
  /**
   * The availability filter every selection applies (health state plugs in here by
   * setting `availability.current`); always-available by default.
   */
  readonly availability: AvailabilityRef;
  /** Startup notes (disabled optional providers), for logs and /readyz. */
  readonly notes: readonly string[];
  /** Templates, decorators, caches and memory; null when the plan has none (the common case: one null check). */
  readonly features: LinkedFeatures | null;
  /** Closes the upstream pools; called when the plan is retired. */
  close(): Promise<void>;
}
