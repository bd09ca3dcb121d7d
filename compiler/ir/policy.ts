/** The policy as the first passes see it: shaped documents, merged, then with every name resolved. Types only. */
import type { Quota, Stores } from "../../schemas/policy/quota.js";
import type { Classifier } from "../../schemas/policy/classifier.js";
import type { Pool } from "../../schemas/policy/pool.js";
import type { Constraint } from "../../schemas/policy/constraint.js";
import type { Consumer } from "../../schemas/policy/consumer.js";
import type { GuardrailSet } from "../../schemas/policy/guardrail.js";
import type { GatewayPolicy } from "../../schemas/policy/gateway.js";
import type { Limits } from "../../schemas/policy/limits.js";
import type { Listener } from "../../schemas/policy/listener.js";
import type { Model } from "../../schemas/policy/model.js";
import type { Provider } from "../../schemas/policy/provider.js";
import type { Route } from "../../schemas/policy/route.js";
import type { SecretDeclaration } from "../../schemas/policy/secret.js";
import type { SourceDocument, Origin, Located } from "./source.js";

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
