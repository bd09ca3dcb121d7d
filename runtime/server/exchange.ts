/**
 * The listener-neutral view of one HTTP request/response that the pipeline works on.
 * Two implementations: node:http (the default) and uWebSockets.js. The pipeline never
 * sees either server's objects, so every behaviour is tested against both.
 *
 * Invariant: `readBody` must be called synchronously from the handler (before the
 * first await), because uWS delivers body chunks only to a handler registered in
 * the same tick as the request callback.
 */
import type { PlanTls } from "../../schemas/plan/operations.js";
import type { EdgeLimits } from "./edge-limits.js";

/** Response headers as ordered pairs; names lower-case. */
export type HeaderList = readonly (readonly [string, string])[];

/** Why a body could not be read: the client went away, or it was over the limit. */
export type BodyFailure = "aborted" | "too-large";

export interface Exchange {
  /** Upper-case method. */
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** Request headers, names lower-case; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  /** True once the client disconnected; nothing may be written after that. */
  readonly aborted: boolean;
  /** True once a response was started (headers sent). */
  readonly started: boolean;
  /**
   * Headers added to whatever response is sent (the plan tag), before the caller's.
   * Set by the dispatcher; a shared precomputed list, so tagging allocates nothing.
   */
  extraHeaders: HeaderList;
  /** Called once when the client disconnects before the response ends. */
  onAbort(cb: () => void): void;
  /** Reads the whole body, refusing more than `maxBytes`. See the invariant above. */
  readBody(maxBytes: number): Promise<Buffer | BodyFailure>;
  /** Sends a complete response with a Content-Length. `close` asks to close the connection after it. */
  send(status: number, headers: HeaderList, body: string | Uint8Array, close?: boolean): void;
  /** Starts a streamed (chunked) response. */
  beginStream(status: number, headers: HeaderList): void;
  /** Writes a stream chunk; false means the client is not keeping up: wait for `onDrain`. */
  write(chunk: string | Uint8Array): boolean;
  /** Called once when a write that returned false has been flushed. */
  onDrain(cb: () => void): void;
  /** Ends a streamed response. */
  end(): void;
  /**
   * Optional: writes a last stream chunk and ends the response, as `write(chunk)` then
   * `end()` but in one syscall. Callers fall back to write + end when it is absent, so
   * a wrapper that does not forward it only loses the saving.
   */
  writeAndEnd?(chunk: string | Uint8Array): void;
  /**
   * Ends the response as it stands and closes the connection (the request deadline):
   * a started response is cut where it is, bytes the client has not read are dropped
   * after a short grace, and nothing more is written. Idempotent.
   */
  close(): void;
}

/** The empty header list, shared. */
export const NO_HEADERS: HeaderList = Object.freeze([]);

export type ExchangeHandler = (exchange: Exchange) => void;

/** A running listener. */
export interface Listener {
  /** The bound port (useful when asked for port 0). */
  readonly port: number;
  /** Which server implementation runs, for logs. */
  readonly kind: string;
  /** Stops accepting new connections; open ones keep being served (graceful drain). */
  stopAccepting(): void;
  /** Stops accepting connections; open connections are closed. */
  close(): Promise<void>;
  /** node:http: the listening descriptor, for other worker threads to share (see runtime/workers). */
  readonly fd?: number;
}

export interface ListenOptions {
  host: string;
  port: number;
  handler: ExchangeHandler;
  /** Serve HTTPS with this certificate and key (files re-read when they change); null or absent: HTTP. */
  tls?: PlanTls | null;
  /**
   * node:http in worker threads: accept on this already-listening descriptor (worker
   * 0's) instead of binding; `host`/`port` are then only for the report.
   */
  sharedFd?: number;
  /**
   * Bind even when another socket already listens on this port (SO_REUSEPORT):
   * `--share-port`, and uWS worker threads, whose port the main thread checked. Default
   * false: a port in use is refused with a PortInUseError (port-in-use.ts).
   */
  sharePort?: boolean;
  /** Replaces some of the edge limits (server/edge-limits.ts); tests shorten timeouts with it. Default: EDGE_LIMITS. */
  limits?: Partial<EdgeLimits>;
}

export type ServerKind = "uws" | "node";
