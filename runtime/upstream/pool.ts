/**
 * One undici Pool per upstream, created when a plan is linked and closed when the
 * plan is retired; never per request. Timeouts come from the plan: connect on the
 * pool's connector, first byte as the headers timeout, idle as the body timeout.
 * Connections go only where the upstream's `network` allows (guarded-lookup.ts), and
 * redirects are never followed: a plain Pool dispatch does not follow them, and a 3xx
 * answer fails the attempt like any other non-2xx status.
 */
import { readFileSync } from "node:fs";
import { Pool } from "undici";
import type { PlanUpstream } from "../../schemas/plan/plan.js";
import { PlanError } from "../../schemas/plan/read-plan.js";
import { guardedLookup, literalOriginProblem, type Resolver } from "./guarded-lookup.js";

/** Idle keep-alive sockets are reused for this long (most providers keep ~60 s). */
const KEEP_ALIVE_MS = 30_000;

export function createUpstreamPool(upstream: PlanUpstream, resolve?: Resolver): Pool {
  const literal = literalOriginProblem(upstream.origin, upstream.network);
  if (literal !== null) throw new PlanError(`provider ${upstream.name}: ${literal}`);
  return new Pool(upstream.origin, {
    connections: upstream.connections,
    pipelining: 1,
    connect: { timeout: upstream.timeouts.connectMs, lookup: guardedLookup(upstream.network, resolve), ...tlsOptions(upstream) },
    headersTimeout: upstream.timeouts.firstByteMs,
    bodyTimeout: upstream.timeouts.idleMs,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS * 2,
  });
}

/**
 * Certificate verification for an https upstream: always on (undici's default), against
 * the plan's CA file instead of the system store when one is named, and for the
 * plan's server name when it differs from the origin's host.
 */
function tlsOptions(upstream: PlanUpstream): { ca?: Buffer; servername?: string; rejectUnauthorized: true } | Record<string, never> {
  const tls = upstream.tls;
  if (tls === undefined) return {};
  let ca: Buffer | undefined;
  if (tls.caFile !== null) {
    try {
      ca = readFileSync(tls.caFile);
    } catch (err) {
      throw new PlanError(`provider ${upstream.name}: cannot read the CA file ${tls.caFile} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  return { rejectUnauthorized: true, ...(ca === undefined ? {} : { ca }), ...(tls.serverName === null ? {} : { servername: tls.serverName }) };
}
