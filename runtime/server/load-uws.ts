/**
 * Loads uWebSockets.js natively, or explains why it cannot.
 *
 * uWS is published only on GitHub, so we try, in order: the official package (when a
 * user installed it from there), the btc-vision republish (uWS v20.57: Node 20, 22, 24
 * and 25, glibc ≥ 2.38, so Debian 13 / Ubuntu 24.04 and newer), and the trufflesuite
 * fork (uWS v20.30: Node ≤ 20, older glibc too). Each package's entry point either
 * throws one generic message or, for trufflesuite, silently falls back to a slow
 * pure-JS server; we never go through them: we require the native binary for this
 * platform and Node ABI directly, so a failure says exactly what is missing, and we
 * refuse a JS fallback.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

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

/** Why no native build loaded: one line per package tried. */
export interface UwsUnavailable {
  readonly failures: readonly string[];
}

/** The packages tried, in order, and the folder each keeps its binaries in (throws when not installed). */
function candidates(require: NodeJS.Require): { source: string; folder: () => string }[] {
  return [
    { source: "uWebSockets.js", folder: () => dirname(require.resolve("uWebSockets.js")) },
    { source: "@btc-vision/uwebsockets.js (uWS v20.57)", folder: () => dirname(require.resolve("@btc-vision/uwebsockets.js")) },
    { source: "@trufflesuite/uws-js-unofficial (uWS v20.30)", folder: () => join(dirname(require.resolve("@trufflesuite/uws-js-unofficial/package.json")), "binaries") },
  ];
}

let probed: LoadedUws | UwsUnavailable | null = null;

/** The native uWS, or why none loads here; probed once per thread. */
export function probeUws(): LoadedUws | UwsUnavailable {
  if (probed !== null) return probed;
  process.env.UWS_HTTP_MAX_HEADERS_SIZE ??= DEFAULT_MAX_HEADER_BYTES;
  const require = createRequire(import.meta.url);
  const platform = `${process.platform}-${process.arch}`;
  const binary = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  const failures: string[] = [];
  for (const { source, folder } of candidates(require)) {
    let file: string;
    try {
      file = join(folder(), binary);
    } catch {
      failures.push(`${source}: not installed`);
      continue;
    }
    if (!existsSync(file)) {
      failures.push(`${source}: no build for Node ${process.version} (ABI ${process.versions.modules}) on ${platform}`);
      continue;
    }
    try {
      const mod: unknown = require(file);
      if (isNativeUws(mod)) return (probed = { uws: mod, source });
      failures.push(`${source}: loaded, but it is not the native uWS build`);
    } catch (err) {
      failures.push(`${source}: ${loadError(err)}`);
    }
  }
  return (probed = { failures });
}

/** The native uWS; throws, saying what each package lacks, when none loads here. */
export function loadUws(): LoadedUws {
  const result = probeUws();
  if ("uws" in result) return result;
  throw new Error(
    `uWebSockets.js has no native build that loads on Node ${process.version} (${process.platform}-${process.arch}), and Tollgate refuses a slow JS fallback:\n` +
      result.failures.map((f) => `  - ${f}`).join("\n") +
      "\nRun with --server node to serve on node:http, or leave --server out to let Tollgate choose.",
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

/** The loader's reason without the path of the binary it was loading. */
function loadError(err: unknown): string {
  const line = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "unknown error";
  return line.replace(/ \(required by [^)]*\)/, "");
}
