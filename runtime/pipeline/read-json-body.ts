/**
 * The admission every JSON endpoint shares: the body read within the listener's size
 * limit, refused before parsing when it nests deeper than the depth limit (JSON.parse
 * accepts nesting that later code would overflow the stack on), then parsed.
 */
import type { LinkedPlan } from "../plan/linked-plan.js";
import type { Exchange } from "../server/exchange.js";
import { gatewayError } from "../base/errors.js";
import { jsonDepthWithin } from "../canonical/json-depth.js";
import { sendError } from "./respond.js";

/** A parsed body and the bytes it came from (relayed as they are when nothing changes). */
export interface JsonBody {
  readonly raw: Buffer;
  readonly value: unknown;
}

/** The body, or null once the client was answered (too large, too deep, not JSON) or went away. */
export async function readJsonBody(ex: Exchange, plan: LinkedPlan, requestId: string): Promise<JsonBody | null> {
  const limits = plan.listener;
  // Called before any await of the endpoint: uWS delivers the body only to a reader registered now.
  const raw = await ex.readBody(limits.maxBodyBytes);
  if (raw === "aborted") return null;
  if (raw === "too-large") {
    sendError(ex, requestId, gatewayError("body-too-large", { limit: limits.maxBodyBytes }), true);
    return null;
  }
  if (!jsonDepthWithin(raw, limits.maxJsonDepth)) {
    sendError(ex, requestId, gatewayError("json-too-deep", { limit: limits.maxJsonDepth }));
    return null;
  }
  try {
    return { raw, value: JSON.parse(raw.toString("utf8")) };
  } catch {
    sendError(ex, requestId, gatewayError("invalid-json", {}));
    return null;
  }
}
