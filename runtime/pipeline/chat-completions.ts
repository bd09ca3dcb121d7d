/**
 * POST /v1/chat/completions: admit (body limit, JSON depth, shape), route, authorize
 * the model for the consumer, run the request stages (template, guardrails, prompts,
 * memory, cache, quotas), each returning a verdict this flow answers, pick the first
 * target, and hand over to ChatCall.
 */
import type { LinkedConsumer, LinkedPlan } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import { sendError } from "./respond.js";
import { gatewayError } from "../base/errors.js";
import { readJsonBody } from "./read-json-body.js";
import { routeRequest } from "./route-request.js";
import { RouteFacts } from "../routing/route-facts.js";
import { selectFirst } from "../routing/select-first.js";
import type { RequestRecord } from "../base/request-record.js";
import { renderRequestTemplate, runRequestFeatures } from "../stages/features/request-features.js";
import { TEMPLATE_HEADER } from "../stages/prompts/apply-prompts.js";
import { applyGuardrails } from "../stages/guardrails/request-guardrails.js";
import { GatedExchange } from "./gated-exchange.js";
import { ModeratedExchange } from "./moderated-exchange.js";
import { lastUserText } from "../stages/guardrails/output-moderation.js";
import type { GuardrailReport } from "../stages/guardrails/guardrail-report.js";
import { ChatCall } from "./chat-call.js";
import { sendCached } from "./chat-responses.js";
import { chatDemand } from "../stages/quotas/demand.js";
import { admitQuotas, planQuotasOf } from "./admit-quotas.js";
import type { ResponseStage } from "../stages/response-stage.js";
import { ChatRequestView, validateChatRequest } from "../canonical/chat-request.js";
import type { ResponsesRequest } from "../canonical/responses/request.js";

/** The Responses request of a `/v1/responses` exchange (responses-exchange.ts), else null. */
function responsesOf(ex: Exchange): ResponsesRequest | null {
  return (ex as Exchange & { readonly responses?: ResponsesRequest | null }).responses ?? null;
}

export async function handleChatCompletions(ex: Exchange, plan: LinkedPlan, consumer: LinkedConsumer, requestId: string, record: RequestRecord): Promise<void> {
  const body = await readJsonBody(ex, plan, requestId);
  if (body === null) return;
  const { raw } = body;
  const checked = validateChatRequest(body.value, ex.headers[TEMPLATE_HEADER] !== undefined);
  if (!checked.ok) return sendError(ex, requestId, gatewayError("invalid-request", { reason: checked.message }, { param: checked.param }));
  const { request } = checked;
  // Only plans with path/consumer/prompt-size/classifier conditions pay for route facts.
  const facts = plan.routeFacts === null ? null : new RouteFacts(ex.path, consumer.index ?? -1, request, plan.routeFacts.tokenCap, plan.routeFacts.classifiers);
  const route = routeRequest(ex, plan, consumer, request.model, requestId, record, facts);
  if (route === null) return;
  let model = route.model;
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
    // The answer is held until the output moderation check has judged it (whole, or window by window).
    if (guardrails.outputModeration !== null) {
      exchange = new ModeratedExchange(exchange, guardrails.outputModeration, lastUserText(guarded.request), record.guardrails as GuardrailReport, requestId);
    }
    chat = guarded.request;
    if (guarded.stage !== null) stages = [guarded.stage];
  }
  const features = plan.features;
  if (features !== null) {
    // Decorators, memory, cache (runtime/stages/features/request-features.ts), after the guardrails.
    const outcome = await runRequestFeatures({ ex: exchange, features, route, consumer, request: chat, stream: request.stream, record });
    record.stream = request.stream;
    if (ex.aborted) return;
    if (outcome.kind === "answered") return sendCached(exchange, requestId, outcome.answer);
    if (outcome.kind === "error") return sendError(exchange, requestId, outcome.error);
    if (outcome.headers.length > 0) ex.extraHeaders = [...ex.extraHeaders, ...outcome.headers];
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
  record.prompt = chat;
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
    responses: responsesOf(ex),
  }).start();
}
