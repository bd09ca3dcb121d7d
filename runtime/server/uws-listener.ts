/**
 * The uWebSockets.js listener. uWS rules this file follows (see the uWS.js docs):
 * - `onAborted` is registered before anything asynchronous; after it fires the
 *   response object must never be touched again.
 * - Request headers are only readable synchronously inside the handler, so they are
 *   copied out at once.
 * - Writes from outside a uWS callback are wrapped in `cork` so status, headers and
 *   body leave in one syscall.
 * - `write` returning false means backpressure: uWS keeps the bytes, and `onWritable`
 *   says when to produce more.
 *
 * What this file adds at the edge (edge-limits.ts): a body that does not arrive within
 * `requestTimeoutMs` closes the connection, a body over the limit is read and discarded
 * (up to a bound) before the 413, and a client that reads nothing of a pending response
 * for `writeStallTimeoutMs` is disconnected.
 *
 * What it cannot change: uWS parses HTTP itself, in C++, and the v20.30 build that
 * loads on Node 20 fails several edge probes (measured, see
 * docs/operations.md#limits-at-the-edge and test/e2e/edge-probes.e2e.test.ts): split
 * or oversized header blocks and 48+ headers are closed without a 431, pipelined
 * POSTs are closed unanswered, `Transfer-Encoding: xchunked` is taken for chunked,
 * chunk data without CRLF is accepted, and a bare-LF request is forwarded but never
 * answered. So uWS is for use behind a proxy that re-frames requests; node:http is the
 * default (choose-listener.ts).
 */
import { NO_HEADERS, type BodyFailure, type Exchange, type HeaderList, type Listener, type ListenOptions } from "./exchange.js";
import { loadUws, type UwsApp, type UwsRequest, type UwsResponse } from "./load-uws.js";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { readTlsPair, watchTlsPair } from "./tls-files.js";
import { log } from "../base/log.js";
import { statusLine } from "./status-text.js";
import { edgeLimits, type EdgeLimits } from "./edge-limits.js";
import { assertPortFree } from "./port-in-use.js";

/** A copy of uWS's transient body chunk in Node's buffer pool. */
function copyOut(chunk: ArrayBuffer): Buffer {
  const copy = Buffer.allocUnsafe(chunk.byteLength);
  copy.set(new Uint8Array(chunk));
  return copy;
}

/** The header object being filled: a module-level target, so reading headers builds no closure per request. */
let collecting: Record<string, string> = {};
const collectHeader = (k: string, v: string): void => {
  collecting[k] = v;
};

class UwsExchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  aborted = false;
  started = false;
  extraHeaders: HeaderList = NO_HEADERS;
  #ended = false;
  #res: UwsResponse;
  #abortCb: (() => void) | null = null;
  #drainCb: (() => void) | null = null;
  /** A started stream's status and headers, not yet written: they leave with the first write (one syscall). */
  #headStatus = 0;
  #head: HeaderList | null = null;
  /** Armed while written bytes wait for a client that does not read (writeStallTimeoutMs). */
  #stall: NodeJS.Timeout | null = null;
  readonly #limits: EdgeLimits;

  constructor(res: UwsResponse, req: UwsRequest, limits: EdgeLimits) {
    this.#limits = limits;
    this.#res = res;
    this.method = req.getMethod().toUpperCase();
    this.path = req.getUrl();
    collecting = {};
    req.forEach(collectHeader);
    this.headers = collecting;
    res.onAborted(() => {
      this.aborted = true;
      this.#clearStall();
      const cb = this.#abortCb;
      this.#abortCb = null;
      if (cb !== null && !this.#ended) cb();
    });
  }

  onAbort(cb: () => void): void {
    this.#abortCb = cb;
  }

  readBody(maxBytes: number): Promise<Buffer | BodyFailure> {
    const declared = this.headers["content-length"];
    // Beyond what would be discarded anyway: answer at once (the client may not see it).
    if (declared !== undefined && Number(declared) > maxBytes + this.#limits.discardLimitBytes) return Promise.resolve("too-large");
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      // A body that does not arrive in time closes the connection (the abort below answers "aborted").
      const slow = setTimeout(() => {
        if (!done && !this.aborted && !this.#ended) this.#res.close();
      }, this.#limits.requestTimeoutMs);
      const settle = (value: Buffer | BodyFailure): void => {
        done = true;
        clearTimeout(slow);
        resolve(value);
      };
      const prevAbort = this.#abortCb;
      this.#abortCb = () => {
        if (!done) settle("aborted");
        prevAbort?.();
      };
      this.#res.onData((chunk, isLast) => {
        if (done) return;
        size += chunk.byteLength;
        if (size > maxBytes) {
          // Over the limit: read and discard (up to a bound) so the 413 is readable, then answer.
          chunks.length = 0;
          if (isLast || size > maxBytes + this.#limits.discardLimitBytes) settle("too-large");
          return;
        }
        // The ArrayBuffer is only valid during this callback: copy it out, into Node's pooled
        // slab (allocUnsafe) rather than a new ArrayBuffer per request, which the scavenger
        // must track and free one by one.
        if (isLast && chunks.length === 0) {
          settle(copyOut(chunk));
          return;
        }
        chunks.push(copyOut(chunk));
        if (isLast) settle(Buffer.concat(chunks, size));
      });
    });
  }

  send(status: number, headers: HeaderList, body: string | Uint8Array, close = false): void {
    if (this.aborted || this.#ended) return;
    this.#ended = true;
    this.started = true;
    const res = this.#res;
    res.cork(() => {
      this.#writeHead(status, headers);
      res.end(body, close);
    });
  }

  /**
   * Starts a stream. The head is held until the first write or the end in this tick
   * (a cork writes head and bytes in one syscall), and written alone at the end of
   * the tick when nothing followed, so a stream's headers are never delayed.
   */
  beginStream(status: number, headers: HeaderList): void {
    if (this.aborted || this.#ended) return;
    this.started = true;
    this.#headStatus = status;
    this.#head = headers;
    queueMicrotask(() => {
      if (this.#head === null || this.aborted || this.#ended) return;
      const res = this.#res;
      res.cork(() => this.#writePendingHead());
    });
  }

  /** Writes the held stream head, if any; call inside a cork. */
  #writePendingHead(): void {
    const head = this.#head;
    if (head === null) return;
    this.#head = null;
    this.#writeHead(this.#headStatus, head);
  }

  /** Writes the status line and headers (the plan's extra headers first); call inside a cork. */
  #writeHead(status: number, headers: HeaderList): void {
    const res = this.#res;
    res.writeStatus(statusLine(status));
    // Indexed loops: destructuring for-of allocated an iterator result per header here (measured).
    const extra = this.extraHeaders;
    for (let i = 0; i < extra.length; i++) res.writeHeader(extra[i]![0], extra[i]![1]);
    for (let i = 0; i < headers.length; i++) res.writeHeader(headers[i]![0], headers[i]![1]);
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.aborted || this.#ended) return true;
    let ok = true;
    const res = this.#res;
    res.cork(() => {
      this.#writePendingHead();
      ok = res.write(chunk);
    });
    if (!ok) {
      this.#armStall();
      res.onWritable(() => {
        this.#clearStall();
        const cb = this.#drainCb;
        this.#drainCb = null;
        cb?.();
        return true;
      });
    }
    return ok;
  }

  /** A client that reads nothing of what is pending for `writeStallTimeoutMs` is disconnected. */
  #armStall(): void {
    if (this.#stall !== null) return;
    this.#stall = setTimeout(() => {
      this.#stall = null;
      if (!this.aborted && !this.#ended) this.#res.close();
    }, this.#limits.writeStallTimeoutMs);
  }

  #clearStall(): void {
    if (this.#stall !== null) clearTimeout(this.#stall);
    this.#stall = null;
  }

  close(): void {
    // An ended response must not be touched again (uWS throws); uWS's own idle timeout
    // closes a connection whose last bytes are never read.
    if (this.aborted || this.#ended) return;
    this.#ended = true;
    this.started = true;
    this.#clearStall();
    const res = this.#res;
    // A head already on the wire (a chunked stream): end the body properly and keep the
    // connection. uWS's end(…, closeConnection) would write a `Connection: close` header
    // into the chunked body there (measured: the client fails to parse the last chunk).
    if (this.#headStatus !== 0 && this.#head === null) {
      res.cork(() => res.end());
      return;
    }
    // Nothing written yet: the held head (or a 503), then uWS closes the connection.
    res.cork(() => {
      if (this.#head === null) res.writeStatus(statusLine(503));
      this.#writePendingHead();
      res.end(undefined, true);
    });
  }

  onDrain(cb: () => void): void {
    this.#drainCb = cb;
  }

  end(): void {
    if (this.aborted || this.#ended) return;
    this.#ended = true;
    const res = this.#res;
    res.cork(() => {
      this.#writePendingHead();
      res.end();
    });
  }

  writeAndEnd(chunk: string | Uint8Array): void {
    if (this.aborted || this.#ended) return;
    this.#ended = true;
    const res = this.#res;
    // Still chunked (write, then end): the same bytes as write() + end(), in one syscall.
    res.cork(() => {
      this.#writePendingHead();
      res.write(chunk);
      res.end();
    });
  }
}

/**
 * uSockets sets SO_REUSEPORT only on an explicit port (port 0 gets a random, exclusive
 * one). Worker threads and certificate rotation need a second socket on the same port,
 * so for port 0 a free port is found first and bound explicitly (retried if taken meanwhile).
 */
async function bindReusable(app: UwsApp, port: number, bind: (app: UwsApp, port: number) => Promise<unknown>): Promise<unknown> {
  if (port !== 0) return bind(app, port);
  for (let attempt = 1; ; attempt++) {
    try {
      return await bind(app, await freePort());
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

/** A port the kernel considers free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a uWS listener; throws when uWS cannot be loaded natively. */
export async function listenUws(opts: ListenOptions): Promise<Listener> {
  const { uws, source } = loadUws();
  // uWS would share a port in use without a word (SO_REUSEPORT): refuse it first.
  if (opts.port !== 0 && opts.sharePort !== true) await assertPortFree(opts.host, opts.port);
  const handler = opts.handler;
  const limits = edgeLimits(opts.limits);
  const tls = opts.tls ?? null;
  const makeApp = (): UwsApp => {
    // uWS reads the files itself; readTlsPair first proves they form a usable pair, so a
    // bad renewal is refused with a message instead of failing every handshake.
    const app = tls === null ? uws.App() : (readTlsPair(tls), uws.SSLApp({ cert_file_name: tls.certFile, key_file_name: tls.keyFile }));
    app.any("/*", (res, req) => {
      handler(new UwsExchange(res, req, limits));
    });
    return app;
  };
  const bind = (app: UwsApp, port: number): Promise<unknown> =>
    new Promise((resolve, reject) => {
      app.listen(opts.host, port, (socket) => {
        if (!socket) reject(new Error(`cannot listen on ${opts.host}:${port} (address in use or not available)`));
        else resolve(socket);
      });
    });
  const apps: UwsApp[] = [makeApp()];
  let socket: unknown = await bindReusable(apps[0]!, opts.port, bind);
  const port = uws.us_socket_local_port(socket);
  let listening = true;
  // Certificate rotation: uWS cannot swap the certificate of a listening app, so a new
  // SSLApp binds the same port beside it (uWS sets SO_REUSEPORT), then the old listen
  // socket closes. Open connections finish on the old app; new ones get the new pair.
  const watcher =
    tls === null
      ? null
      : watchTlsPair(tls, () => {
          if (!listening) return;
          let next: UwsApp;
          try {
            next = makeApp();
          } catch (err) {
            log("error", "TLS certificate reload rejected; the previous certificate keeps serving", { error: (err as Error).message });
            return;
          }
          bind(next, port).then(
            (fresh) => {
              if (!listening) {
                uws.us_listen_socket_close(fresh);
                return;
              }
              const old = socket;
              socket = fresh;
              apps.push(next);
              uws.us_listen_socket_close(old);
              log("info", "TLS certificate reloaded", { cert: tls.certFile });
            },
            (err: Error) => log("error", "TLS certificate reload failed", { error: err.message }),
          );
        });
  const stop = (): void => {
    watcher?.close();
    if (listening) uws.us_listen_socket_close(socket);
    listening = false;
  };
  return {
    port,
    kind: `uws (${source})${tls === null ? "" : " TLS"}`,
    stopAccepting: stop,
    close: async () => {
      stop();
      for (const app of apps) app.close?.();
    },
  };
}
