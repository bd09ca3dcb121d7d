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
 * Known limits of the uWS v20.30 build that loads on Node 20 (measured, see docs/architecture.md#listeners-and-their-limits):
 * a header block over 4 KiB that arrives split across TCP segments closes the
 * connection without a response, and requests with more than ~47 headers get no
 * response until uWS's 10 s idle timeout. Use `--server node` where clients may send
 * such requests and no front proxy enforces header limits.
 */
import { NO_HEADERS, type BodyFailure, type Exchange, type HeaderList, type Listener, type ListenOptions } from "./exchange.js";
import { loadUws, type UwsApp, type UwsRequest, type UwsResponse } from "./load-uws.js";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { readTlsPair, watchTlsPair } from "./tls-files.js";
import { log } from "../base/log.js";
import { statusLine } from "./status-text.js";
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

  constructor(res: UwsResponse, req: UwsRequest) {
    this.#res = res;
    this.method = req.getMethod().toUpperCase();
    this.path = req.getUrl();
    collecting = {};
    req.forEach(collectHeader);
    this.headers = collecting;
    res.onAborted(() => {
      this.aborted = true;
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
    if (declared !== undefined && Number(declared) > maxBytes) return Promise.resolve("too-large");
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const prevAbort = this.#abortCb;
      this.#abortCb = () => {
        if (!done) {
          done = true;
          resolve("aborted");
        }
        prevAbort?.();
      };
      this.#res.onData((chunk, isLast) => {
        if (done) return;
        size += chunk.byteLength;
        if (size > maxBytes) {
          done = true;
          resolve("too-large");
          return;
        }
        // The ArrayBuffer is only valid during this callback: copy it out, into Node's pooled
        // slab (allocUnsafe) rather than a new ArrayBuffer per request, which the scavenger
        // must track and free one by one.
        if (isLast && chunks.length === 0) {
          done = true;
          resolve(copyOut(chunk));
          return;
        }
        chunks.push(copyOut(chunk));
        if (isLast) {
          done = true;
          resolve(Buffer.concat(chunks, size));
        }
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
      res.onWritable(() => {
        const cb = this.#drainCb;
        this.#drainCb = null;
        cb?.();
        return true;
      });
    }
    return ok;
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
  const tls = opts.tls ?? null;
  const makeApp = (): UwsApp => {
    // uWS reads the files itself; readTlsPair first proves they form a usable pair, so a
    // bad renewal is refused with a message instead of failing every handshake.
    const app = tls === null ? uws.App() : (readTlsPair(tls), uws.SSLApp({ cert_file_name: tls.certFile, key_file_name: tls.keyFile }));
    app.any("/*", (res, req) => {
      handler(new UwsExchange(res, req));
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
