/**
 * One undici Pool per upstream, created when a plan is linked and closed when the
 * plan is retired; never per request. Timeouts come from the plan: connect on the
 * pool's connector, first byte as the headers timeout, idle as the body timeout.
 */
import { Pool } from "undici";
import type { PlanUpstream } from "../../schemas/plan/plan.js";

/** Idle keep-alive sockets are reused for this long (most providers keep ~60 s). */
const KEEP_ALIVE_MS = 30_000;

export function createUpstreamPool(upstream: PlanUpstream): Pool {
  return new Pool(upstream.origin, {
    connections: upstream.connections,
    pipelining: 1,
    connect: { timeout: upstream.timeouts.connectMs },
    headersTimeout: upstream.timeouts.firstByteMs,
    bodyTimeout: upstream.timeouts.idleMs,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS * 2,
  });
}
