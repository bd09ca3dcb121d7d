/**
 * Resolves an upstream's credentials when its plan is linked: API keys become the
 * ready header values the adapter sends (`Bearer <key>`, a bare `api-key`, …), and
 * per-protocol credentials (AWS keys for SigV4, a Vertex access token) become
 * readers. Values live only here, in memory; problems name references, never values.
 *
 * A `file:` credential that is refreshed outside the gateway (a Vertex OAuth token
 * written hourly by a sidecar, STS session credentials) is re-read when its file
 * changes: its mtime is checked at most every REFRESH_CHECK_MS, so a request pays a
 * clock read, and a stat once in a while.
 */
import { readFileSync, statSync } from "node:fs";
import type { PlanUpstream } from "../../schemas/plan/plan.js";
import { resolveSecret } from "../base/secrets.js";
import { holdSecret } from "../base/held-secrets.js";

/** How often a file credential's mtime is checked. */
const REFRESH_CHECK_MS = 10_000;

/** A credential value that may change while the plan serves. */
export interface CredentialReader {
  current(): string;
}

/** AWS credentials for SigV4 signing. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string | null;
}

/** Per-protocol credentials of an upstream (never logged, never in errors). */
export interface LinkedCredentials {
  /** Bedrock: the signing credentials; null for other adapters. */
  readonly aws: { current(): AwsCredentials } | null;
  /** Vertex: the OAuth access token; null for other adapters. */
  readonly accessToken: CredentialReader | null;
}

/** The linked auth of one upstream. */
export interface LinkedAuth {
  /** Lower-case header name that carries a key, or null when the adapter authenticates otherwise. */
  readonly authHeader: string | null;
  /** Full header values (prefix + key), used in turn; empty when the upstream needs no key. */
  readonly authorizations: string[];
  readonly credentials: LinkedCredentials;
  /** Unresolvable references, as messages naming them. */
  readonly problems: string[];
}

/** Resolves every credential of `u`. */
export function linkCredentials(u: PlanUpstream, env: NodeJS.ProcessEnv): LinkedAuth {
  const problems: string[] = [];
  const options = u.options;
  const keyHeader = "auth" in options ? options.auth : options.adapter === "anthropic" ? { header: "x-api-key", prefix: "" } : null;
  const authorizations: string[] = [];
  for (const ref of u.apiKeys) {
    const secret = resolveSecret(ref, env);
    if (secret.ok) authorizations.push(`${keyHeader?.prefix ?? "Bearer "}${secret.value}`);
    else problems.push(secret.problem);
  }
  const reader = (ref: string): CredentialReader => {
    const r = credentialReader(ref, env);
    if (typeof r === "string") {
      problems.push(r);
      return { current: () => "" };
    }
    return r;
  };
  let credentials: LinkedCredentials = { aws: null, accessToken: null };
  if (options.adapter === "bedrock") {
    const id = reader(options.accessKeyId);
    const secret = reader(options.secretAccessKey);
    const token = options.sessionToken === null ? null : reader(options.sessionToken);
    credentials = {
      aws: { current: () => ({ accessKeyId: id.current(), secretAccessKey: secret.current(), sessionToken: token?.current() ?? null }) },
      accessToken: null,
    };
  } else if (options.adapter === "vertex") {
    credentials = { aws: null, accessToken: reader(options.accessToken) };
  }
  return { authHeader: keyHeader?.header ?? (u.apiKeys.length > 0 ? "authorization" : null), authorizations, credentials, problems };
}

/** A reader for `ref`, or a problem message. `file:` references are re-read when the file changes. */
function credentialReader(ref: string, env: NodeJS.ProcessEnv): CredentialReader | string {
  const first = resolveSecret(ref, env);
  if (!first.ok) return first.problem;
  if (!ref.startsWith("file:")) {
    const value = first.value;
    return { current: () => value };
  }
  const path = ref.slice("file:".length);
  let value = first.value;
  let mtimeMs = mtimeOf(path);
  let checkedAt = Date.now();
  return {
    current(): string {
      const now = Date.now();
      if (now - checkedAt < REFRESH_CHECK_MS) return value;
      checkedAt = now;
      const m = mtimeOf(path);
      if (m !== mtimeMs) {
        mtimeMs = m;
        try {
          const next = readFileSync(path, "utf8").trim();
          // A half-written or emptied file keeps the last good value.
          if (next !== "") {
            value = next;
            holdSecret(next);
          }
        } catch {
          // Unreadable for a moment (being replaced): keep the last good value.
        }
      }
      return value;
    },
  };
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}
