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
 *
 * Cloud identities (the AWS credential chain, Google Application Default Credentials,
 * Microsoft Entra ID) are fetched by the clouds' own libraries and kept fresh ahead of
 * expiry (identity/): requests read the value in hand.
 */
import { readFileSync, statSync } from "node:fs";
import type { PlanUpstream } from "../../schemas/plan/plan.js";
import { resolveSecret } from "../base/secrets.js";
import { holdSecret } from "../base/held-secrets.js";
import { fixedSource, type CredentialSource } from "./identity/refreshing.js";
import { awsCredentialSource } from "./identity/aws.js";
import { googleTokenSource } from "./identity/google.js";
import { entraTokenSource } from "./identity/azure.js";

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
  readonly aws: CredentialSource<AwsCredentials> | null;
  /** Vertex: the OAuth access token; null for other adapters. */
  readonly accessToken: CredentialSource<string> | null;
  /** Azure OpenAI with Entra ID: the bearer token (instead of api-keys); null otherwise. */
  readonly bearer: CredentialSource<string> | null;
}

/** Waits (at most `timeoutMs`) for every cloud identity's first token, so the first requests find one in hand. */
export async function credentialsReady(credentials: readonly LinkedCredentials[], timeoutMs = 10_000): Promise<void> {
  const pending = credentials.flatMap((c) => [c.aws, c.accessToken, c.bearer]).filter((s) => s !== null);
  if (pending.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(pending.map((s) => s.ready())), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
}

/** Stops the refresh timers of an upstream's cloud identities (its plan is retired). */
export function closeCredentials(c: LinkedCredentials): void {
  c.aws?.close();
  c.accessToken?.close();
  c.bearer?.close();
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
  let credentials: LinkedCredentials = { aws: null, accessToken: null, bearer: null };
  if (options.adapter === "bedrock") {
    if (options.credentials !== undefined && options.credentials !== "keys") {
      credentials = { aws: awsCredentialSource(u.name, options), accessToken: null, bearer: null };
    } else {
      const id = reader(options.accessKeyId ?? "");
      const secret = reader(options.secretAccessKey ?? "");
      const token = options.sessionToken === null ? null : reader(options.sessionToken);
      credentials = {
        aws: fixedSource(() => ({ accessKeyId: id.current(), secretAccessKey: secret.current(), sessionToken: token?.current() ?? null })),
        accessToken: null,
        bearer: null,
      };
    }
  } else if (options.adapter === "vertex") {
    if (options.credentials !== undefined && options.credentials !== "access-token") {
      const source = googleTokenSource(u.name, options, env);
      if (typeof source === "string") problems.push(source);
      else credentials = { aws: null, accessToken: source, bearer: null };
    } else {
      const token = reader(options.accessToken ?? "");
      credentials = { aws: null, accessToken: fixedSource(() => token.current()), bearer: null };
    }
  } else if (options.adapter === "azure-openai" && options.entra !== undefined) {
    const source = entraTokenSource(u.name, options.entra, env);
    if (typeof source === "string") problems.push(source);
    else credentials = { aws: null, accessToken: null, bearer: source };
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
