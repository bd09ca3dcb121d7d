/**
 * Vertex AI's OAuth2 access token through Google's auth library, as the plan names it
 * (`vertex.credentials`): Application Default Credentials (`GOOGLE_APPLICATION_CREDENTIALS`,
 * gcloud's, or the metadata server), a service-account key or a workload identity
 * federation configuration (the JSON of `credentialsFile`, a secret reference), or the
 * metadata server (`GCE_METADATA_HOST` overrides its address). The token is refreshed
 * before it expires.
 */
import type { AuthClient } from "google-auth-library";
import type { PlanVertexOptions } from "../../../schemas/plan/protocols.js";
import { resolveSecret } from "../../base/secrets.js";
import { RefreshingCredential, type CredentialSource } from "./refreshing.js";

const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** The library's client for the plan's source, or a problem naming the reference. */
function clientOf(o: PlanVertexOptions, env: NodeJS.ProcessEnv): (() => Promise<AuthClient>) | string {
  // The library is loaded on first use: plans without a Google identity never load it.
  if (o.credentials === "metadata") {
    let compute: Promise<AuthClient> | null = null;
    return () => (compute ??= import("google-auth-library").then(({ Compute }) => new Compute({ scopes: [SCOPE] })));
  }
  let credentials: Record<string, unknown> | undefined;
  if (o.credentialsFile !== undefined) {
    const secret = resolveSecret(o.credentialsFile, env);
    if (!secret.ok) return secret.problem;
    try {
      credentials = JSON.parse(secret.value) as Record<string, unknown>;
    } catch {
      return `the credentials of ${o.credentialsFile.split(":")[0]}:… are not JSON`;
    }
  }
  let auth: Promise<{ getClient(): Promise<AuthClient> }> | null = null;
  return async () => {
    auth ??= import("google-auth-library").then(({ GoogleAuth }) => new GoogleAuth({ scopes: [SCOPE], ...(credentials === undefined ? {} : { credentials }) }));
    return (await auth).getClient();
  };
}

/** The refreshing token of a Vertex upstream whose plan names a Google credential source, or a problem. */
export function googleTokenSource(upstream: string, o: PlanVertexOptions, env: NodeJS.ProcessEnv): CredentialSource<string> | string {
  const client = clientOf(o, env);
  if (typeof client === "string") return client;
  return new RefreshingCredential(`provider ${upstream} (Google ${o.credentials})`, async () => {
    const c = await client();
    const { token } = await c.getAccessToken();
    if (typeof token !== "string" || token === "") throw new Error("Google's auth library returned no access token");
    const expiry = c.credentials.expiry_date;
    return { value: token, expiresAt: typeof expiry === "number" ? expiry : null };
  });
}
