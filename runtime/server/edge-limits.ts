/**
 * The listeners' limits at the edge, the same on both servers where the server lets
 * them be set (docs/operations.md#limits-at-the-edge lists them with what each one
 * does). Slow or stuck clients are closed at these timeouts; the request deadline
 * (`listener.requestTimeout`, owned by the pipeline) bounds everything else.
 */

/** Every limit of the edge; `EDGE_LIMITS` holds the values the gateway runs with. */
export interface EdgeLimits {
  /** The request line and headers must arrive within this time (node:http; uWS has its own fixed 10 s idle timeout). */
  readonly headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this time; a slower body closes the connection (node:http answers 408 first). */
  readonly requestTimeoutMs: number;
  /** A client that reads nothing of a pending response for this long is disconnected (its request is then over). */
  readonly writeStallTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** The header block's size limit (431 above, node:http). */
  readonly maxHeaderBytes: number;
  /** The most header fields a request may carry (431 above, node:http; uWS's build has its own, lower, limit). */
  readonly maxHeaderCount: number;
  /**
   * After a body over the limit, up to this many more bytes are read and discarded
   * before the 413 goes out (and the connection closes), so a client that sends its
   * whole body before reading can read the answer instead of failing to write.
   */
  readonly discardLimitBytes: number;
  /** Bytes of a response cut by close() that the client has not read are dropped after this grace. */
  readonly closeGraceMs: number;
  /** How often node:http checks the header and request timeouts (its default, 30 s, lets a slow client live ~30 s too long). */
  readonly timeoutCheckIntervalMs: number;
}

/** The limits the gateway runs with. */
export const EDGE_LIMITS: EdgeLimits = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  writeStallTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  discardLimitBytes: 16 * 1024 * 1024,
  closeGraceMs: 1_000,
  timeoutCheckIntervalMs: 1_000,
});

/** The gateway's limits with some replaced (tests shorten the timeouts to observe them). */
export function edgeLimits(overrides: Partial<EdgeLimits> | undefined): EdgeLimits {
  return overrides === undefined ? EDGE_LIMITS : { ...EDGE_LIMITS, ...overrides };
}
