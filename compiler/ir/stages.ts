/** The policy on its way to a plan: expanded, lowered, routed, finalized. Types only. */
import type { ErrorClassName } from "../../schemas/plan/error-class.js";
import type { PlanReliability } from "../../schemas/plan/reliability.js";
import type { Plan, PlanConsumer, PlanListener, PlanModel, PlanRouteTable, PlanSelection, PlanTarget, PlanUpstream } from "../../schemas/plan/plan.js";
import type { PlanQuota, PlanStores } from "../../schemas/plan/quota.js";
import type { PlanGuardrails } from "../../schemas/plan/guardrails.js";
import type { PlanFeatures } from "../prompts/normalize-features.js";
import type { NormalizedRoute, NormalizedClassifier, NormalizedPolicy, AttemptStep } from "./normalized.js";

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
