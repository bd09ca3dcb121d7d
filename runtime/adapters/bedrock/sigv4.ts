/**
 * AWS Signature V4 for Bedrock requests, with the maintained `@smithy/signature-v4`
 * signer (service `bedrock`). One signer per credentials object, made on first use and
 * kept (credentials are linked once per plan), so a request costs one signature.
 */
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentials } from "./options.js";

const signers = new WeakMap<AwsCredentials, Map<string, SignatureV4>>();

function signerFor(credentials: AwsCredentials, region: string): SignatureV4 {
  let byRegion = signers.get(credentials);
  if (byRegion === undefined) signers.set(credentials, (byRegion = new Map()));
  let signer = byRegion.get(region);
  if (signer === undefined) {
    signer = new SignatureV4({ service: "bedrock", region, credentials, sha256: Hash.bind(null, "sha256"), uriEscapePath: true });
    byRegion.set(region, signer);
  }
  return signer;
}

/** What to sign: the exact bytes sent. */
export interface ToSign {
  readonly host: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Returns the request headers with `x-amz-date`, `authorization` (and the session token) added. */
export async function signBedrockRequest(req: ToSign, region: string, credentials: AwsCredentials): Promise<Record<string, string>> {
  const hostname = req.host.replace(/:\d+$/, "");
  const port = req.host.length > hostname.length ? Number(req.host.slice(hostname.length + 1)) : undefined;
  const signed = await signerFor(credentials, region).sign({
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
