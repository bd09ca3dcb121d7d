/**
 * The headers of one JSON call an adapter's relay capability makes (a translated
 * `/v1/embeddings` call, the semantic cache's embedding): the content type and the
 * target's authentication: the next key's header, or, for providers that sign each
 * request's bytes (Bedrock's SigV4), the call's own signature.
 */
import type { LinkedTarget } from "../plan/linked-plan.js";
import type { RelayCapability, RelayUpstreamCall } from "./adapter.js";

export function jsonCallHeaders(relay: RelayCapability, target: LinkedTarget, call: RelayUpstreamCall, key = -1): string[] | Promise<string[]> {
  if (relay.sign !== undefined) return relay.sign(target, call);
  const headers = ["content-type", "application/json"];
  relay.addAuth(target, headers, key);
  return headers;
}
