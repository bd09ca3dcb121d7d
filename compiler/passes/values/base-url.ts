/**
 * Provider base URLs → the upstream's pool key (`origin`) and path prefix (`basePath`).
 * Credentials, queries and fragments are refused: keys belong in `apiKeys`, and the
 * runtime appends API paths to `basePath`, which a query or fragment would break.
 */
import { type ValueResult, invalid, ok } from "./result.js";

/** A base URL split into what the plan needs. */
export interface BaseUrl {
  /** scheme://host[:port], default ports omitted. */
  readonly origin: string;
  /** The path without a trailing slash; "" for the root. */
  readonly basePath: string;
  readonly protocol: "http:" | "https:";
  readonly hostname: string;
}

/**
 * True when the URL carries `user:password@`. Checked on its own so the caller can
 * report it with a diagnostic that masks the URL in code frames.
 */
export function hasCredentials(input: string): boolean {
  try {
    const url = new URL(input.trim());
    return url.username !== "" || url.password !== "";
  } catch {
    return false;
  }
}

/** Splits and checks a provider base URL. */
export function parseBaseUrl(input: string): ValueResult<BaseUrl> {
  if (input.trim() !== input || /\s/.test(input)) return invalid("must not contain spaces");
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return invalid("is not an absolute URL; write it like `https://api.openai.com/v1`");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return invalid(`must use http: or https:, not \`${url.protocol}\``);
  if (url.username !== "" || url.password !== "") return invalid("must not contain credentials (user:password@)");
  if (url.hostname === "") return invalid("has no host");
  if (input.includes("?")) return invalid("must not have a query string (`?…`); the API path is appended to it");
  if (input.includes("#")) return invalid("must not have a fragment (`#…`)");
  return ok({
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ""),
    protocol: url.protocol,
    hostname: url.hostname,
  });
}

/** True for names and addresses that never leave the machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === "[::1]";
}
