/**
 * Routing for the endpoints besides chat (embeddings, audio): the same route table,
 * the same consumer allow-list and availability checks, answered with the same errors.
 */
import type { LinkedConsumer, LinkedModel, LinkedPlan } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import { sendError } from "./respond.js";
import { matchRoute } from "../routing/match-route.js";
import type { RequestRecord } from "../base/request-record.js";

/** The model serving `requested` for this consumer, or null after answering the client's error. */
export function routeModel(ex: Exchange, plan: LinkedPlan, consumer: LinkedConsumer, requested: string, requestId: string, record: RequestRecord): LinkedModel | null {
  record.requestedModel = requested;
  const shown = requested.slice(0, 200);
  const route = matchRoute(plan, requested, ex.headers);
  if (route === null) {
    sendError(ex, requestId, { code: "model_not_found", message: `the model \`${shown}\` does not exist or you do not have access to it`, param: "model" });
    return null;
  }
  record.route = route;
  record.model = route.model;
  if (!consumer.allowed[route.model.index]) {
    sendError(ex, requestId, { code: "model_not_allowed", message: `this API key may not use the model \`${shown}\``, param: "model" });
    return null;
  }
  if (route.model.unavailable !== null) {
    sendError(ex, requestId, { code: "no_upstream_available", message: `the model \`${route.model.name}\` has no available upstream right now`, retryAfter: 30 });
    return null;
  }
  return route.model;
}
