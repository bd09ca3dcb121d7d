// @ts-check
/**
 * The in-run reference: the cheapest proxy Node can be (uWS server + undici dispatch), with no
 * auth and no parsing. Tollgate's ratio to this isolates the gateway's own cost from Node's.
 * Usage: node bench/bare-proxy.mjs --port 19100 --upstream http://127.0.0.1:19099
 */
import { STATUS_CODES } from "node:http";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { Pool } from "undici";

const { values: args } = parseArgs({
  options: { port: { type: "string", default: "19100" }, upstream: { type: "string", default: "http://127.0.0.1:19099" } },
});
// The package's main silently falls back to a slow JS server when it cannot load; the binary cannot.
/** @type {import("@trufflesuite/uws-js-unofficial")} */
const uws = createRequire(import.meta.url)(`@trufflesuite/uws-js-unofficial/binaries/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`);
// Enough connections for the 2,000 held slow streams; under load the pool opens only what it needs.
const pool = new Pool(args.upstream, { connections: 4096, pipelining: 1 });

/**
 * One proxied request, as an undici handler. The legacy handler API (onConnect … onComplete) is
 * what undici's core calls natively; the newer controller API is a wrapper around it.
 */
class Exchange {
  aborted = false;
  started = false;
  ended = false;
  paused = false;
  scheduled = false;
  status = 502;
  contentType = "";
  /** @type {Buffer[]} */ queue = [];
  /** @type {((reason?: Error) => void) | undefined} */ abortUpstream;
  /** @type {(() => void) | undefined} */ resumeUpstream;
  /** @param {import("@trufflesuite/uws-js-unofficial").HttpResponse} res */
  constructor(res) {
    this.res = res;
  }
  /** @param {(reason?: Error) => void} abort */
  onConnect(abort) {
    if (this.aborted) abort();
    this.abortUpstream = abort;
  }
  /** @param {number} status @param {Buffer[]} raw @param {() => void} resume */
  onHeaders(status, raw, resume) {
    this.status = status;
    this.resumeUpstream = resume;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i]?.length === 12 && String(raw[i]).toLowerCase() === "content-type") this.contentType = String(raw[i + 1]);
    }
    return true;
  }
  /** @param {Buffer} chunk */
  onData(chunk) {
    this.queue.push(chunk);
    this.schedule();
    return !this.paused; // false stops undici reading the upstream socket
  }
  onComplete() {
    this.ended = true;
    this.schedule();
  }
  onError() {
    if (this.aborted) return;
    this.aborted = true;
    if (this.started) this.res.close();
    else this.res.cork(() => this.res.writeStatus("502 Bad Gateway").end());
  }
  /** All chunks of one upstream socket read (and its end) go out in one cork: one send() for many SSE events. */
  schedule() {
    if (!this.scheduled) ((this.scheduled = true), queueMicrotask(this.flush));
  }
  flush = () => {
    this.scheduled = false;
    if (this.aborted) return;
    const data = this.queue.length === 1 ? /** @type {Buffer} */ (this.queue[0]) : Buffer.concat(this.queue);
    this.queue = [];
    this.res.cork(() => {
      if (!this.started) {
        this.started = true;
        this.res.writeStatus(`${this.status} ${STATUS_CODES[this.status] ?? ""}`);
        if (this.contentType !== "") this.res.writeHeader("content-type", this.contentType);
      }
      if (this.ended)
        this.res.end(data); // not yet started + ended: one response with content-length
      else if (data.length > 0 && !this.res.write(data)) {
        this.paused = true; // uWS buffered it: hold the upstream until the client drains
        this.res.onWritable(() => {
          this.paused = false;
          setImmediate(() => this.resumeUpstream?.()); // resume from Node's loop, not inside uWS's callback
          return true;
        });
      }
    });
  };
}

uws
  .App()
  .any("/*", (res, req) => {
    const exchange = new Exchange(res);
    res.onAborted(() => {
      exchange.aborted = true;
      exchange.abortUpstream?.();
    });
    const method = req.getCaseSensitiveMethod();
    const path = req.getQuery() ? `${req.getUrl()}?${req.getQuery()}` : req.getUrl();
    const contentType = req.getHeader("content-type");
    const headers = contentType ? ["content-type", contentType] : [];
    /** @param {Buffer | null} body */
    const send = (body) => exchange.aborted || pool.dispatch({ method, path, headers, body }, exchange);
    if (method === "GET" || method === "HEAD") return void send(null);
    /** @type {Buffer[]} */
    const parts = [];
    res.onData((chunk, isLast) => {
      // Copy (uWS reuses the ArrayBuffer after this callback) into Node's pooled slab, not a new
      // ArrayBuffer per request: fewer external allocations, fewer old-space GCs.
      const copy = Buffer.allocUnsafe(chunk.byteLength);
      copy.set(new Uint8Array(chunk));
      parts.push(copy);
      if (isLast) send(parts.length === 1 ? /** @type {Buffer} */ (parts[0]) : Buffer.concat(parts));
    });
  })
  .listen("127.0.0.1", Number(args.port), (token) => {
    if (!token) throw new Error(`bare proxy: cannot listen on port ${args.port}`);
    process.stdout.write(`bare proxy listening on http://127.0.0.1:${args.port} -> ${args.upstream}\n`);
  });
