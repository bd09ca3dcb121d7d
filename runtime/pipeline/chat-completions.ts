/**
 * POST /v1/chat/completions: admit (body limit, JSON depth, shape), route, authorize
 * the model for the consumer, pick the first target, and hand over to ChatCall.
 */
import type { LinkedConsumer, LinkedPlan } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import { jsonDepthWithin } from "../canonical/json-depth.js";
import { sendError } from "./respond.js";
import { matchRoute } from "../routing/match-route.js";
import { RouteFacts } from "../routing/route-facts.js";
import { selectFirst } from "../routing/select-first.js";
import type { RequestRecord } from "../base/request-record.js";
import { renderRequestTemplate, runRequestFeatures } from "../stages/features/request-features.js";
import { TEMPLATE_HEADER } from "../stages/prompts/apply-prompts.js";
import { applyGuardrails } from "../stages/guardrails/request-guardrails.js";
import { GatedExchange } from "./gated-exchange.js";
import { ChatCall } from "./chat-call.js";
import { chatDemand } from "../stages/quotas/demand.js";
import { admitQuotas, planQuotasOf } from "./admit-quotas.js";
import type { ResponseStage } from "../stages/response-stage.js";
import { ChatRequestView, validateChatRequest } from "../canonical/chat-request.js";

export async function handleChatCompletions(ex: Exchange, plan: LinkedPlan, consumer: LinkedConsumer, requestId: string, record: RequestRecord): Promise<void> {
  const limits = plan.listener;
  const raw = await ex.readBody(limits.maxBodyBytes);
  if (raw === "aborted") return;
  if (raw === "too-large") {
    sendError(ex, requestId, { code: "request_too_large", message: `request body is larger than the limit of ${limits.maxBodyBytes} bytes` }, true);
    return;
  }
  if (!jsonDepthWithin(raw, limits.maxJsonDepth)) {
    sendError(ex, requestId, { code: "json_too_deep", message: `request JSON is nested deeper than the limit of ${limits.maxJsonDepth} levels` });
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    sendError(ex, requestId, { code: "invalid_json", message: "request body is not valid JSON" });
    return;
  }
  const checked = validateChatRequest(body, ex.headers[TEMPLATE_HEADER] !== undefined);
  if (!checked.ok) {
    sendError(ex, requestId, { code: "invalid_request", message: checked.message, param: checked.param });
    return;
  }
  const { request } = checked;
  record.requestedModel = request.model;
  // Only plans with path/consumer/prompt-size/classifier conditions pay for route facts.
  const facts = plan.routeFacts === null ? null : new RouteFacts(ex.path, consumer.index ?? -1, request, plan.routeFacts.tokenCap, plan.routeFacts.classifiers);
  const route = matchRoute(plan, request.model, ex.headers, facts);
  if (route === null) {
    sendError(ex, requestId, { code: "model_not_found", message: `the model \`${request.model.slice(0, 200)}\` does not exist or you do not have access to it`, param: "model" });
    return;
  }
  let model = route.model;
  record.route = route;
  record.model = model;
  if (!consumer.allowed[model.index]) {
    sendError(ex, requestId, { code: "model_not_allowed", message: `this API key may not use the model \`${request.model.slice(0, 200)}\``, param: "model" });
    return;
  }
  if (model.unavailable !== null) {
    sendError(ex, requestId, { code: "no_upstream_available", message: `the model \`${model.name}\` has no available upstream right now`, retryAfter: 30 });
    return;
  }
  let exchange: Exchange = ex;
  let chat = request;
  let stages: ResponseStage[] | undefined;
  // A template is rendered before the guardrails, so they check what its variables put in the prompt.
  const templated = renderRequestTemplate(plan.features, route, chat, ex.headers);
  if (!(templated instanceof ChatRequestView)) return sendError(ex, requestId, templated);
  chat = templated;
  const guardrails = plan.guardrailsByRoute?.[route.index] ?? null;
  if (guardrails !== null) {
    const guarded = await applyGuardrails(guardrails, record, chat);
    if (guarded.kind === "refused") return sendError(ex, requestId, guarded.error);
    if (guarded.pending !== null) exchange = GatedExchange.until(ex, requestId, guarded.pending);
    chat = guarded.request;
    if (guarded.stage !== null) stages = [guarded.stage];
  }
  const features = plan.features;
  if (features !== null) {
    // Decorators, memory, cache (runtime/stages/features/request-features.ts), after the guardrails.
    const outcome = await runRequestFeatures({ ex: exchange, features, route, consumer, request: chat, stream: request.stream, requestId, record });
    if (outcome.kind === "answered" || ex.aborted) {
      record.stream = request.stream;
      return;
    }
    if (outcome.kind === "error") return sendError(exchange, requestId, outcome.error);
    chat = outcome.request;
    if (outcome.stages.length > 0) stages = [...(stages ?? []), ...outcome.stages];
  }
  // Quotas and budgets: reserve now, settled when the request finishes. No work when the plan has none.
  const quotas = planQuotasOf(record);
  if (quotas !== null) {
    const admitted = await admitQuotas(quotas, exchange, requestId, consumer, model, chatDemand(chat), record);
    if (admitted === null) return;
    model = admitted;
  }
  new ChatCall({
    exchange,
    requestId,
    model,
    first: selectFirst(plan, model, ex.headers, chat, facts),
    // A changed request (template, decorators, memory, redaction) is re-serialized: the client's bytes no longer match it.
    rawBody: chat === request ? raw : null,
    request: chat,
    requestedModel: request.model,
    stream: request.stream,
    record,
    health: plan.health,
    ...(stages === undefined ? {} : { stages }),
  }).start();
}
