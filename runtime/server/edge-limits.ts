/**
 * The listeners' limits at the edge, the same on both servers where the server lets
 * them be set (docs/operations.md#limits-at-the-edge lists them with what each one
 * does). Slow or stuck clients are closed at these timeouts; the request deadline
 * (`listener.requestTimeout`, owned by the pipeline) bounds everything else.
 */

/** The request line and headers must arrive within this time (node:http; uWS has its own fixed 10 s idle timeout). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, headers and body, must arrive within this time; a slower body closes the connection (node:http answers 408 first). */
export const REQUEST_TIMEOUT_MS = 120_000;
/** A client that reads nothing of a pending response for this long is disconnected (its request is then over). */
export const WRITE_STALL_TIMEOUT_MS = 30_000;
/** An idle keep-alive connection is closed after this long. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** The header block's size limit (431 above, node:http; uWS is configured to the same size). */
export const MAX_HEADER_BYTES = 16 * 1024;
/**
 * After a body over the limit, up to this many more bytes are read and discarded
 * before the 413 goes out (and the connection closes), so a client that sends its
 * whole body before reading can read the answer instead of failing to write.
 */
export const DISCARD_LIMIT_BYTES = 16 * 1024 * 1024;
/** Bytes of a response cut by close() that the client has not read are dropped after this grace. */
export const CLOSE_GRACE_MS = 1_000;
/** How often node:http checks the header and request timeouts (its default, 30 s, lets a slow client live ~30 s too long). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
