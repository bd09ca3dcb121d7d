/**
 * One undici Pool per upstream, created when a plan is linked and closed when the
 * plan is retired; never per request. Timeouts come from the plan: connect on the
 * pool's connector, first byte as the headers timeout, idle as the body timeout, and
 * the wait for a free connection (pool-waits.ts) bounded by `connectionWaitMs`.
 * Connections go only where the upstream's `network` allows (guarded-lookup.ts), and
 * redirects are never followed: a plain Pool dispatch does not follow them, and a 3xx
 * answer fails the attempt like any other non-2xx status.
 */
import { readFileSync } from "node:fs";
import { Pool, type Dispatcher } from "undici";
import type { PlanUpstream } from "../../schemas/plan/plan.js";
import { DEFAULT_CONNECTION_WAIT_MS } from "../../schemas/plan/constants.js";
import { PlanError } from "../../schemas/plan/plan-error.js";
import { guardedLookup, literalOriginProblem, type Resolver } from "./guarded-lookup.js";
import { PoolWaits } from "./pool-waits.js";
import { UpstreamAttempt } from "./upstream-attempt.js";

/** An undici Pool that counts and bounds how long each upstream attempt waits for a connection. */
export class UpstreamPool extends Pool {
  readonly waits: PoolWaits;

  constructor(origin: string, options: Pool.Options, waits: PoolWaits) {
    super(origin, options);
    this.waits = waits;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (handler instanceof UpstreamAttempt) {
      handler.waits = this.waits;
      this.waits.enter(handler);
    }
    return super.dispatch(options, handler);
  }
}

/** Idle keep-alive sockets are reused for this long (most providers keep ~60 s). */
const KEEP_ALIVE_MS = 30_000;

export function createUpstreamPool(upstream: PlanUpstream, resolve?: Resolver): UpstreamPool {
  const literal = literalOriginProblem(upstream.origin, upstream.network);
  if (literal !== null) throw new PlanError(`provider ${upstream.name}: ${literal}`);
  const waits = new PoolWaits(upstream.name, upstream.timeouts.connectionWaitMs ?? DEFAULT_CONNECTION_WAIT_MS);
  return new UpstreamPool(
    upstream.origin,
    {
      connections: upstream.connections,
      pipelining: 1,
      connect: { timeout: upstream.timeouts.connectMs, lookup: guardedLookup(upstream.network, resolve), ...tlsOptions(upstream) },
      headersTimeout: upstream.timeouts.firstByteMs,
      bodyTimeout: upstream.timeouts.idleMs,
      keepAliveTimeout: KEEP_ALIVE_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MS * 2,
    },
    waits,
  );
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
