/**
 * The quota step of every model endpoint (chat, embeddings, audio): reserve what the
 * request may use on the quotas that apply, or answer 429/503. Plans without quotas
 * pay one map lookup (and no await). Returns the model to serve (the routed one, or the one a quota
 * downgraded the request to), or null after answering the client.
 */
import type { LinkedConsumer, LinkedModel } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import { sendError } from "./respond.js";
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
  const admitted = await admitRequest(quotas.service, quotas, ex, requestId, consumer, model, demand, record);
  if (admitted === null) return null;
  if (admitted.unavailable !== null) {
    sendError(ex, requestId, { code: "no_upstream_available", message: `the model \`${admitted.name}\` has no available upstream right now`, retryAfter: 30 });
    return null;
  }
  return admitted;
}
