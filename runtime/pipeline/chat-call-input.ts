/**
 * What a chat call starts from (the admitted, routed request) and what each of its
 * attempts hands the target's adapter.
 */
import type { ChatRequestContext } from "../adapters/adapter.js";
import type { LinkedModel, LinkedTarget } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import type { RequestRecord } from "../base/request-record.js";
import type { HealthState } from "../reliability/linked-reliability.js";
import type { ResponseStage } from "../stages/response-stage.js";
import type { ChatRequestView } from "../canonical/chat-request.js";
import type { ResponsesRequest } from "../canonical/responses/request.js";
import type { ServedPlan } from "../plan/served-plan.js";
import { QUOTA_ATTACHMENT } from "../stages/quotas/quota-service.js";

export interface ChatCallInput {
  exchange: Exchange;
  requestId: string;
  model: LinkedModel;
  first: LinkedTarget;
  /** The client's body bytes, or null when a request stage changed the request (the bytes no longer match its body). */
  rawBody: Buffer | null;
  /** The canonical request; adapters copy what they change. */
  request: ChatRequestView;
  requestedModel: string;
  stream: boolean;
  /** Where attempts, usage and outcomes are noted for metrics and audit. */
  record: RequestRecord;
  /** The request's response stages, in order; empty (the default) means a plain relay. */
  stages?: readonly ResponseStage[];
  /** The plan's health state (breakers, keys). */
  health: HealthState;
  /** A `/v1/responses` request: passed through where the target speaks the API, else served from `request` (its translation). */
  responses?: ResponsesRequest | null;
}

/** True when the client asked for the usage chunk itself. */
export function wantsStreamUsage(input: ChatCallInput): boolean {
  return input.stream && input.request.includeUsage;
}

/** The adapter's context for one attempt on `target` with the key in `keySlot` (-1: the adapter's own rotation). */
export function attemptContext(input: ChatCallInput, target: LinkedTarget, keySlot: number, clientWantsStreamUsage: boolean): ChatRequestContext {
  return {
    target,
    request: input.request,
    rawBody: input.rawBody,
    stream: input.stream,
    requestId: input.requestId,
    clientWantsStreamUsage,
    countOutput: readsOutputChars(input.record.served),
    key: keySlot < 0 ? -1 : keySlot - target.upstream.reliability.keys.first,
  };
}

/**
 * True when something reads a record's `outputChars`: quota settlement and the usage
 * ledger (attached with the quotas) charge a cut stream from it, the audit log writes it.
 */
export function readsOutputChars(served: ServedPlan): boolean {
  return served.attachments.has(QUOTA_ATTACHMENT) || served.linked.listener.audit !== null;
}
