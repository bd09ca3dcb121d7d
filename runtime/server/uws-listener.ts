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
 * Known limits of the uWS v20.30 build that loads on Node 20 (measured, see README):
 * a header block over 4 KiB that arrives split across TCP segments closes the
 * connection without a response, and requests with more than ~47 headers get no
 * response until uWS's 10 s idle timeout. Use `--server node` where clients may send
 * such requests and no front proxy enforces header limits.
 */
import { NO_HEADERS, type BodyFailure, type Exchange, type HeaderList, type Listener, type ListenOptions } from "./exchange.js";
import { loadUws, type UwsRequest, type UwsResponse } from "./load-uws.js";
import { statusLine } from "./status-text.js";

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

  constructor(res: UwsResponse, req: UwsRequest) {
    this.#res = res;
    this.method = req.getMethod().toUpperCase();
    this.path = req.getUrl();
    const headers: Record<string, string> = {};
    req.forEach((k, v) => {
      headers[k] = v;
    });
    this.headers = headers;
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
        // The ArrayBuffer is only valid during this callback: copy it out.
        if (isLast && chunks.length === 0) {
          done = true;
          resolve(Buffer.copyBytesFrom(new Uint8Array(chunk)));
          return;
        }
        chunks.push(Buffer.copyBytesFrom(new Uint8Array(chunk)));
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

  beginStream(status: number, headers: HeaderList): void {
    if (this.aborted || this.#ended) return;
    this.started = true;
    this.#res.cork(() => this.#writeHead(status, headers));
  }

  /** Writes the status line and headers (the plan's extra headers first); call inside a cork. */
  #writeHead(status: number, headers: HeaderList): void {
    const res = this.#res;
    res.writeStatus(statusLine(status));
    for (const [k, v] of this.extraHeaders) res.writeHeader(k, v);
    for (const [k, v] of headers) res.writeHeader(k, v);
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.aborted || this.#ended) return true;
    let ok = true;
    const res = this.#res;
    res.cork(() => {
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
      res.end();
    });
  }
}

/** Starts a uWS listener; throws when uWS cannot be loaded natively. */
export function listenUws(opts: ListenOptions): Promise<Listener> {
  const { uws, source } = loadUws();
  const app = uws.App();
  const handler = opts.handler;
  app.any("/*", (res, req) => {
    handler(new UwsExchange(res, req));
  });
  return new Promise((resolve, reject) => {
    app.listen(opts.host, opts.port, (socket) => {
      if (!socket) {
        reject(new Error(`cannot listen on ${opts.host}:${opts.port} (address in use or not available)`));
        return;
      }
      let listening = true;
      resolve({
        port: uws.us_socket_local_port(socket),
        kind: `uws (${source})`,
        stopAccepting: () => {
          if (listening) uws.us_listen_socket_close(socket);
          listening = false;
        },
        close: async () => {
          if (listening) uws.us_listen_socket_close(socket);
          listening = false;
          app.close?.();
        },
      });
    });
  });
}
