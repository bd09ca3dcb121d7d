/** The public authoring entry point (`import … from "tollgate"`). */
export { GatewayPolicy } from "./policy/gateway.js";
export { Provider, Timeouts } from "./policy/provider.js";
export { Model, Target, Fallback } from "./policy/model.js";
export { Route, RouteMatch, HeaderMatch } from "./policy/route.js";
export { Limits, AssumedTokens } from "./policy/limits.js";
export { Pool, PoolEndpoint, GpuType } from "./policy/pool.js";
export { Strategy, StrategyKind, Scorer } from "./policy/strategy.js";
export { Classifier } from "./policy/classifier.js";
export { Constraint } from "./policy/constraint.js";
export { SecretDeclaration } from "./policy/secret.js";
export { Price, Tags } from "./policy/common.js";
export { Consumer, ConsumerKey } from "./policy/consumer.js";
export { Listener } from "./policy/listener.js";
export { Quota, QuotaMatch, QuotaAction, Stores, RedisStore } from "./policy/quota.js";
export { PolicyTest } from "./policy/policy-test.js";
export { defineGateway } from "./define.js";
export type {
  ConsumerDefinition,
  FallbackDefinition,
  GatewayDefinition,
  ModelDefinition,
  PoolDefinition,
  PolicyTestDefinition,
  ProviderDefinition,
  RouteDefinition,
  SecretReference,
  TargetDefinition,
} from "./define.js";
export { PLAN_VERSION } from "./plan/version.js";
export type { Plan } from "./plan/plan.js";
