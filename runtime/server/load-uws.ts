/**
 * Loads uWebSockets.js natively, or explains why it cannot.
 *
 * The official package is published only on GitHub, so we try, in order: the
 * official name (when a user installed it), the btc-vision republish (glibc ≥ 2.38),
 * and the trufflesuite fork (uWS v20.30, Node ≤ 20). The trufflesuite package's own
 * entry point silently falls back to a slow pure-JS server when its binary does not
 * load; we never go through that entry point: we require its native binary directly,
 * and refuse to start when no native build loads.
 */
import { createRequire } from "node:module";

/** The subset of the uWS.js API the gateway uses, typed here so nothing else touches `any`. */
export interface UwsModule {
  App(options?: Record<string, unknown>): UwsApp;
  SSLApp(options: { cert_file_name: string; key_file_name: string; passphrase?: string }): UwsApp;
  us_listen_socket_close(socket: unknown): void;
  us_socket_local_port(socket: unknown): number;
}

export interface UwsApp {
  any(pattern: string, handler: (res: UwsResponse, req: UwsRequest) => void): UwsApp;
  listen(host: string, port: number, cb: (socket: unknown) => void): UwsApp;
  close?(): void;
}

export interface UwsRequest {
  getMethod(): string;
  getUrl(): string;
  getQuery(): string | undefined;
  getHeader(lowerCaseName: string): string;
  forEach(cb: (key: string, value: string) => void): void;
}

export interface UwsResponse {
  onAborted(cb: () => void): UwsResponse;
  onData(cb: (chunk: ArrayBuffer, isLast: boolean) => void): UwsResponse;
  onWritable(cb: (offset: number) => boolean): UwsResponse;
  cork(cb: () => void): UwsResponse;
  writeStatus(status: string): UwsResponse;
  writeHeader(key: string, value: string): UwsResponse;
  write(chunk: string | Uint8Array): boolean;
  end(body?: string | Uint8Array, closeConnection?: boolean): UwsResponse;
  close(): UwsResponse;
  getWriteOffset(): number;
  pause?(): void;
  resume?(): void;
}

export interface LoadedUws {
  uws: UwsModule;
  /** Which package provided it, for the startup log line. */
  source: string;
}

/**
 * uWS reads its header-block limit from the environment when the binary loads; its
 * default (4 KiB) closes connections whose headers are larger without a response.
 * We raise it to node:http's 16 KiB default so both listeners accept the same requests.
 */
const DEFAULT_MAX_HEADER_BYTES = "16384";

export function loadUws(): LoadedUws {
  process.env.UWS_HTTP_MAX_HEADERS_SIZE ??= DEFAULT_MAX_HEADER_BYTES;
  const require = createRequire(import.meta.url);
  const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  const candidates: [string, string][] = [
    ["uWebSockets.js", "uWebSockets.js"],
    ["@btc-vision/uwebsockets.js", "@btc-vision/uwebsockets.js"],
    [`@trufflesuite/uws-js-unofficial/binaries/${binary}`, "@trufflesuite/uws-js-unofficial (uWS v20.30)"],
  ];
  const failures: string[] = [];
  for (const [specifier, source] of candidates) {
    try {
      const mod: unknown = require(specifier);
      if (isNativeUws(mod)) return { uws: mod, source };
      failures.push(`${source}: loaded, but it is not the native uWS build (a JS fallback?)`);
    } catch (err) {
      failures.push(`${source}: ${firstLine(err)}`);
    }
  }
  throw new Error(
    "uWebSockets.js could not be loaded natively, and Tollgate refuses a slow JS fallback.\n" +
      failures.map((f) => `  - ${f}`).join("\n") +
      "\nRun with --server node to use the node:http listener instead.",
  );
}

/**
 * True for the native addon. The trufflesuite JS fallback also exports `App` and the
 * listen-socket helpers, but not `SSLApp` nor the compressor constants that the C++
 * addon defines, so those tell them apart.
 */
export function isNativeUws(mod: unknown): mod is UwsModule {
  if (mod === null || typeof mod !== "object") return false;
  const m = mod as Record<string, unknown>;
  return (
    typeof m.App === "function" &&
    typeof m.SSLApp === "function" &&
    typeof m.us_listen_socket_close === "function" &&
    typeof m.us_socket_local_port === "function" &&
    typeof m.DEDICATED_COMPRESSOR_3KB === "number"
  );
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "unknown error";
}
