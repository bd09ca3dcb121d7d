/**
 * The intermediate representations that flow between passes, in pipeline order:
 *
 *   Source[] → SourceDocument[] → ShapedDocument[] → MergedPolicy → ResolvedPolicy
 *            → NormalizedPolicy → LoweredPlan → RoutedPlan → PlanBody → FinalPlan
 *
 * Everything before `LoweredPlan` remembers where it came from (`Origin`), so any
 * pass can point a diagnostic at the exact YAML node. Types only; no logic.
 */
import type { Document, LineCounter } from "yaml";
import type { Plan, PlanConsumer, PlanListener, PlanModel, PlanRouteTable, PlanTarget, PlanTimeouts, PlanUpstream } from "../schemas/plan/plan.js";
import type { Consumer } from "../schemas/policy/consumer.js";
import type { GatewayPolicy } from "../schemas/policy/gateway.js";
import type { Listener } from "../schemas/policy/listener.js";
import type { Model } from "../schemas/policy/model.js";
import type { Provider } from "../schemas/policy/provider.js";
import type { Route } from "../schemas/policy/route.js";

/** A policy file handed to the compiler. `path` is how diagnostics name the file. */
export interface Source {
  readonly path: string;
  readonly text: string;
}

/** A path inside one policy document, e.g. `["providers", 0, "baseUrl"]`. */
export type PolicyPath = readonly (string | number)[];

/** One parsed YAML document, with what is needed to map a path back to file:line:col. */
export interface SourceDocument {
  readonly file: string;
  /** 0-based position of the document in its file (`---` separated). */
  readonly index: number;
  readonly yaml: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The document as plain JS; `undefined` when the YAML itself had errors. */
  readonly value: unknown;
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
  /** Where gateway-wide findings (e.g. "no consumers") point: the first document, if any. */
  readonly anchor: Origin | null;
}

/** The merged policy plus name → index tables; every reference in it is known to resolve. */
export interface ResolvedPolicy {
  readonly merged: MergedPolicy;
  readonly providerIndex: ReadonlyMap<string, number>;
  readonly modelIndex: ReadonlyMap<string, number>;
}

/** A provider with defaults applied and its base URL split. */
export interface NormalizedProvider {
  readonly name: string;
  readonly at: Origin;
  readonly kind: PlanUpstream["adapter"];
  readonly origin: string;
  readonly basePath: string;
  readonly protocol: "http:" | "https:";
  readonly hostname: string;
  readonly apiKeys: readonly string[];
  readonly optional: boolean;
  readonly timeouts: PlanTimeouts;
  /** The timeouts the author wrote (the others are defaults). */
  readonly writtenTimeouts: readonly TimeoutField[];
  readonly connections: number;
}

/** The timeout fields of a provider. */
export type TimeoutField = "connect" | "firstByte" | "idle" | "total";

/** A target or fallback: provider index plus the upstream model name. */
export interface NormalizedTarget {
  readonly provider: number;
  readonly model: string;
  /** Always 0 for fallbacks. */
  readonly weight: number;
  readonly at: Origin;
}

/** A model with its targets and fallbacks resolved and defaulted. */
export interface NormalizedModel {
  readonly name: string;
  readonly at: Origin;
  readonly targets: readonly NormalizedTarget[];
  readonly fallbacks: readonly NormalizedTarget[];
}

/** A route in matching order: explicit routes first, then one implicit route per model. */
export interface NormalizedRoute {
  readonly name: string;
  /** How diagnostics refer to the route, e.g. "`fast`" or "`match.model: gpt-*`". */
  readonly label: string;
  readonly pattern: string;
  readonly glob: boolean;
  readonly model: number;
  readonly implicit: boolean;
  readonly at: Origin;
}

/** A consumer with lower-case key digests and its allow-list as one flag per model. */
export interface NormalizedConsumer {
  readonly name: string;
  readonly at: Origin;
  readonly keys: readonly Located<string>[];
  readonly allowedModels: readonly boolean[];
}

/** The whole gateway with defaults applied and every name resolved to an index. */
export interface NormalizedPolicy {
  readonly listener: PlanListener;
  readonly providers: readonly NormalizedProvider[];
  readonly models: readonly NormalizedModel[];
  readonly routes: readonly NormalizedRoute[];
  readonly consumers: readonly NormalizedConsumer[];
  readonly anchor: Origin | null;
}

/** A model whose targets and fallbacks point into the plan's `targets`. */
export interface ModelDraft {
  readonly name: string;
  readonly targets: readonly { readonly target: number; readonly weight: number }[];
  readonly fallbacks: readonly number[];
}

/** Plan parts that map one-to-one from the policy; tables come next. */
export interface LoweredPlan {
  readonly listener: PlanListener;
  readonly upstreams: readonly PlanUpstream[];
  readonly targets: readonly PlanTarget[];
  readonly models: readonly ModelDraft[];
  readonly routes: readonly NormalizedRoute[];
  readonly consumers: readonly PlanConsumer[];
}

/** LoweredPlan plus the compiled route table. */
export interface RoutedPlan extends Omit<LoweredPlan, "routes"> {
  readonly routing: PlanRouteTable;
  readonly publicModels: Plan["publicModels"];
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
