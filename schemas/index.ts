/** The public authoring entry point (`import … from "tollgate"`). */
export { GatewayPolicy } from "./policy/gateway.js";
export { Provider, Timeouts } from "./policy/provider.js";
export { Model, Target, Fallback } from "./policy/model.js";
export { Route } from "./policy/route.js";
export { Consumer, ConsumerKey } from "./policy/consumer.js";
export { Listener } from "./policy/listener.js";
export { PLAN_VERSION } from "./plan/version.js";
export type { Plan } from "./plan/plan.js";
