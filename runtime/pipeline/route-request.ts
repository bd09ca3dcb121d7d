/**
 * Routing as every model endpoint answers it (chat, embeddings, audio): the route
 * table, then the consumer's allow-list, then availability, each refusal with its row
 * of the error table.
 */
import type { LinkedConsumer, LinkedPlan, LinkedRoute } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import { sendError } from "./respond.js";
import { gatewayError } from "../base/errors.js";
import { matchRoute } from "../routing/match-route.js";
import type { RouteFacts } from "../routing/route-facts.js";
import type { RequestRecord } from "../base/request-record.js";

/** The route serving `requested` for this consumer, or null after answering the client's error. */
export function routeRequest(
  ex: Exchange,
  plan: LinkedPlan,
  consumer: LinkedConsumer,
  requested: string,
  requestId: string,
  record: RequestRecord,
  facts: RouteFacts | null = null,
): LinkedRoute | null {
  record.requestedModel = requested;
  const route = matchRoute(plan, requested, ex.headers, facts);
  if (route === null) {
    sendError(ex, requestId, gatewayError("model-not-found", { model: requested }));
    return null;
  }
  record.route = route;
  record.model = route.model;
  if (!consumer.allowed[route.model.index]) {
    sendError(ex, requestId, gatewayError("model-not-allowed", { model: requested }));
    return null;
  }
  if (route.model.unavailable !== null) {
    sendError(ex, requestId, gatewayError("no-upstream-available", { model: route.model.name }));
    return null;
  }
  return route;
}
