/**
 * The node:http listener: the portable twin of the uWS listener, and the one safe to
 * expose directly (docs/operations.md#limits-at-the-edge): llhttp is a strict HTTP/1.1
 * parser (ambiguous framing, obs-fold, bare LF, bad chunk sizes and CR/LF in values are
 * a 400 and a close; oversized headers a 431), pipelined requests are answered in
 * order, and the limits of edge-limits.ts close slow headers, slow bodies and clients
 * that stop reading. Every server test runs against both listeners.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { readTlsPair, watchTlsPair } from "./tls-files.js";
import { log } from "../base/log.js";
import { errorBody, gatewayError } from "../base/errors.js";
import type { Socket } from "node:net";
import { isAddressInUse, nodeHasReusePort, PortInUseError } from "./port-in-use.js";
import { NO_HEADERS, type BodyFailure, type Exchange, type HeaderList, type Listener, type ListenOptions } from "./exchange.js";
import { edgeLimits, type EdgeLimits } from "./edge-limits.js";

class NodeExchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  aborted = false;
  started = false;
  extraHeaders: HeaderList = NO_HEADERS;
  #req: IncomingMessage;
  #res: ServerResponse;
  #abortCb: (() => void) | null = null;
  /** Armed while written bytes wait for a client that does not read (writeStallTimeoutMs). */
  #stall: NodeJS.Timeout | null = null;
  readonly #limits: EdgeLimits;

  constructor(req: IncomingMessage, res: ServerResponse, limits: EdgeLimits) {
    this.#limits = limits;
    this.#req = req;
    this.#res = res;
    this.method = (req.method ?? "GET").toUpperCase();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    this.path = q === -1 ? url : url.slice(0, q);
    const headers: Record<string, string> = {};
    const raw = req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) headers[raw[i]!.toLowerCase()] = raw[i + 1]!;
    this.headers = headers;
    res.on("drain", () => this.#clearStall());
    res.on("close", () => {
      this.#clearStall();
      if (res.writableFinished) return;
      this.aborted = true;
      const cb = this.#abortCb;
      this.#abortCb = null;
      cb?.();
    });
  }

  onAbort(cb: () => void): void {
    this.#abortCb = cb;
  }

  readBody(maxBytes: number): Promise<Buffer | BodyFailure> {
    const declared = this.headers["content-length"];
    // Beyond what would be discarded anyway: answer at once (the client may not see it).
    if (declared !== undefined && Number(declared) > maxBytes + this.#limits.discardLimitBytes) return Promise.resolve("too-large");
    const req = this.#req;
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      let over = false;
      const finish = (value: Buffer | BodyFailure): void => {
        if (done) return;
        done = true;
        req.removeAllListeners("data");
        resolve(value);
      };
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          // Over the limit: read and discard (up to a bound) so the 413 is readable, then answer.
          over = true;
          chunks.length = 0;
          if (size > maxBytes + this.#limits.discardLimitBytes) {
            req.pause();
            finish("too-large");
          }
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => finish(over ? "too-large" : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
      req.on("error", () => finish("aborted"));
      req.on("close", () => finish(req.complete ? Buffer.concat(chunks, size) : "aborted"));
    });
  }

  send(status: number, headers: HeaderList, body: string | Uint8Array, close = false): void {
    if (this.aborted || this.started) return;
    this.started = true;
    const res = this.#writeHead(status, headers);
    res.setHeader("content-length", typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
    if (close) res.setHeader("connection", "close");
    res.end(body);
  }

  beginStream(status: number, headers: HeaderList): void {
    if (this.aborted || this.started) return;
    this.started = true;
    this.#writeHead(status, headers).flushHeaders();
  }

  /** Sets the status and headers (the plan's extra headers first); returns the response. */
  #writeHead(status: number, headers: HeaderList): ServerResponse {
    const res = this.#res;
    res.statusCode = status;
    for (const [k, v] of this.extraHeaders) res.setHeader(k, v);
    for (const [k, v] of headers) res.setHeader(k, v);
    return res;
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.aborted || this.#res.writableEnded) return true;
    const ok = this.#res.write(chunk);
    if (!ok) this.#armStall();
    return ok;
  }

  /** A client that reads nothing of what is pending for `writeStallTimeoutMs` is disconnected. */
  #armStall(): void {
    if (this.#stall !== null) return;
    this.#stall = setTimeout(() => {
      this.#stall = null;
      this.#res.destroy();
    }, this.#limits.writeStallTimeoutMs);
  }

  #clearStall(): void {
    if (this.#stall !== null) clearTimeout(this.#stall);
    this.#stall = null;
  }

  close(): void {
    const res = this.#res;
    if (this.aborted || res.destroyed) return;
    if (!this.started) {
      this.started = true;
      res.statusCode = 503;
    }
    if (!res.writableEnded) res.end();
    // Whatever the client has not read after a short grace is dropped with the connection.
    const socket = this.#req.socket;
    socket.end();
    setTimeout(() => socket.destroy(), this.#limits.closeGraceMs).unref();
  }

  onDrain(cb: () => void): void {
    this.#res.once("drain", cb);
  }

  end(): void {
    if (this.aborted || this.#res.writableEnded) return;
    this.#res.end();
    // Bytes still pending at the end: the same stall limit until they are read.
    if (this.#res.writableLength > 0) this.#armStall();
  }
}

/** 431 for a request with more header fields than the limit; the connection closes after it. */
function refuseHeaderCount(req: IncomingMessage, res: ServerResponse, limit: number): void {
  req.resume();
  const body = errorBody(gatewayError("too-many-headers", { limit }));
  res.writeHead(431, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" });
  res.end(body);
}

/** Starts a node:http listener. */
export function listenNode(opts: ListenOptions): Promise<Listener> {
  const reusePort = opts.sharePort === true && opts.sharedFd === undefined;
  if (reusePort && !nodeHasReusePort()) {
    return Promise.reject(new Error(`--share-port with the node:http listener needs Node 22.12 or newer (SO_REUSEPORT); this is Node ${process.version}: use --server uws`));
  }
  const sockets = new Set<Socket>();
  const limits = edgeLimits(opts.limits);
  const settings = {
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    // Never the lenient parser: ambiguous framing must be refused, not guessed.
    insecureHTTPParser: false,
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // Too many header fields: 431 and a close, as for too many header bytes (llhttp counts only bytes).
    if (req.rawHeaders.length > 2 * limits.maxHeaderCount) return refuseHeaderCount(req, res, limits.maxHeaderCount);
    opts.handler(new NodeExchange(req, res, limits));
  };
  const tls = opts.tls ?? null;
  const server = tls === null ? createServer(settings, onRequest) : createHttpsServer({ ...settings, ...readTlsPair(tls) }, onRequest);
  // Certificate rotation: new handshakes use the new pair; open connections keep theirs.
  const watcher =
    tls === null
      ? null
      : watchTlsPair(tls, () => {
          try {
            (server as ReturnType<typeof createHttpsServer>).setSecureContext(readTlsPair(tls));
            log("info", "TLS certificate reloaded", { cert: tls.certFile });
          } catch (err) {
            log("error", "TLS certificate reload rejected; the previous certificate keeps serving", { error: (err as Error).message });
          }
        });
  server.on("close", () => watcher?.close());
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const shared = opts.sharedFd !== undefined;
  return new Promise((resolve, reject) => {
    const failed = (err: Error): void => reject(isAddressInUse(err) ? new PortInUseError(opts.host, opts.port) : err);
    server.once("error", failed);
    const onListening = (): void => {
      server.off("error", failed);
      const address = server.address();
      const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
      resolve({
        port: typeof address === "object" && address !== null ? address.port : opts.port,
        kind: tls === null ? "node:http" : "node:https",
        ...(typeof fd === "number" && fd >= 0 ? { fd } : {}),
        // server.close() stops accepting and closes idle keep-alive sockets; busy ones finish.
        // A worker sharing another's descriptor must not close it early: that would close it
        // for every thread (one descriptor, one socket). The owner's close refuses new
        // connections for all; this worker's copy is released with the worker at the end.
        stopAccepting: () => {
          if (shared) {
            server.closeIdleConnections();
            return;
          }
          if (server.listening) server.close();
        },
        close: () =>
          new Promise<void>((done) => {
            watcher?.close();
            if (server.listening) server.close(() => done());
            else done();
            for (const s of sockets) s.destroy();
          }),
      });
    };
    if (shared) server.listen({ fd: opts.sharedFd }, onListening);
    // `reusePort` is Node 22.12+; older types do not know it.
    else server.listen({ port: opts.port, host: opts.host, ...(reusePort ? { reusePort: true } : {}) } as Parameters<typeof server.listen>[0], onListening);
  });
}
