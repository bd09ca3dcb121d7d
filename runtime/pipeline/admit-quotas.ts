/**
 * The quota step of every model endpoint (chat, embeddings, audio): reserve what the
 * request may use on the quotas that apply (stages/quotas/admit.ts decides), then act
 * on the verdict: answer a refusal, put the rate-limit headers on the response, and
 * hand the reservation to the request's record for settling. Plans without quotas pay
 * one map lookup (and no await). Returns the model to serve (the routed one, or the one
 * a quota downgraded the request to), or null after answering the client.
 */
import type { LinkedConsumer, LinkedModel } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import { sendError } from "./respond.js";
import { gatewayError } from "../base/errors.js";
import type { RequestRecord } from "../base/request-record.js";
import { admitRequest } from "../stages/quotas/admit.js";
import type { Demand } from "../stages/quotas/demand.js";
import type { PlanQuotas } from "../stages/quotas/plan-quotas.js";
import { QUOTA_ATTACHMENT } from "../stages/quotas/quota-service.js";

/** The plan's quotas, or null when it has none (then the endpoint skips admission, and its await). */
export function planQuotasOf(record: RequestRecord): PlanQuotas | null {
  const quotas = record.served.attachments.get(QUOTA_ATTACHMENT) as PlanQuotas | undefined;
  return quotas === undefined || quotas.quotas.length === 0 ? null : quotas;
}

export async function admitQuotas(
  quotas: PlanQuotas,
  ex: Exchange,
  requestId: string,
  consumer: LinkedConsumer,
  model: LinkedModel,
  demand: Demand,
  record: RequestRecord,
): Promise<LinkedModel | null> {
  const admission = await admitRequest(quotas.service, quotas, ex.headers, consumer, model, demand, record);
  if (admission.kind === "refused") {
    sendError(ex, requestId, admission.error, false, admission.headers);
    return null;
  }
  if (ex.aborted) {
    // The client left while a shared store answered: its record is already finished, so give the reservation back now.
    admission.ticket?.refund(admission.at);
    return null;
  }
  record.quota = admission.ticket;
  if (admission.headers.length > 0) ex.extraHeaders = [...ex.extraHeaders, ...admission.headers];
  const admitted = admission.model;
  if (admitted.unavailable !== null) {
    sendError(ex, requestId, gatewayError("no-upstream-available", { model: admitted.name }));
    return null;
  }
  return admitted;
}
