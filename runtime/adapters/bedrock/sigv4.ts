/**
 * AWS Signature V4 for Bedrock requests, with the maintained `@smithy/signature-v4`
 * signer (service `bedrock`). One signer per upstream, kept while its credentials stay
 * the same (a refreshed STS file gets a new signer), so a request costs one signature.
 */
import type { SignatureV4 } from "@smithy/signature-v4";

/** The Smithy signer and hash, imported on the first signature: only plans with a Bedrock provider load them. */
let smithy: Promise<{ SignatureV4: typeof SignatureV4; Hash: typeof import("@smithy/hash-node").Hash }> | null = null;

function loadSmithy(): Promise<{ SignatureV4: typeof SignatureV4; Hash: typeof import("@smithy/hash-node").Hash }> {
  smithy ??= Promise.all([import("@smithy/signature-v4"), import("@smithy/hash-node")]).then(([s, h]) => ({ SignatureV4: s.SignatureV4, Hash: h.Hash }));
  return smithy;
}

/** Credentials to sign with. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** For temporary credentials (STS); sent as `x-amz-security-token`. */
  readonly sessionToken: string | null;
}

const signers = new WeakMap<object, { key: string; signer: SignatureV4 }>();

async function signerFor(owner: object, region: string, c: SigningCredentials): Promise<SignatureV4> {
  const key = `${region}\0${c.accessKeyId}\0${c.secretAccessKey}\0${c.sessionToken ?? ""}`;
  const cached = signers.get(owner);
  if (cached !== undefined && cached.key === key) return cached.signer;
  const credentials =
    c.sessionToken === null
      ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }
      : { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
  const { SignatureV4, Hash } = await loadSmithy();
  const signer = new SignatureV4({ service: "bedrock", region, credentials, sha256: Hash.bind(null, "sha256"), uriEscapePath: true });
  signers.set(owner, { key, signer });
  return signer;
}

/** What to sign: the exact bytes sent. */
export interface ToSign {
  /** host[:port], as the request's Host header will carry it. */
  readonly host: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Returns the request headers with `host`, `x-amz-date`, `x-amz-content-sha256`,
 * `authorization` (and the session token) added. `owner` keys the signer cache (the upstream).
 */
export async function signBedrockRequest(req: ToSign, region: string, credentials: SigningCredentials, owner: object = credentials): Promise<Record<string, string>> {
  const hostname = req.host.replace(/:\d+$/, "");
  const port = req.host.length > hostname.length ? Number(req.host.slice(hostname.length + 1)) : undefined;
  const signed = await (
    await signerFor(owner, region, credentials)
  ).sign({
    method: "POST",
    protocol: "https:",
    hostname,
    ...(port === undefined ? {} : { port }),
    path: req.path,
    query: {},
    headers: { ...req.headers, host: req.host },
    body: req.body,
  });
  return signed.headers;
}
