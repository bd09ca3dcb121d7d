/**
 * Azure OpenAI's Microsoft Entra ID token through Azure's identity library, as the plan
 * names it (`azure.auth`): a service principal's client secret, a managed identity
 * (`IDENTITY_ENDPOINT` / the instance metadata service, as the library finds them), or
 * AKS workload identity (`AZURE_FEDERATED_TOKEN_FILE`). The scope is Azure AI
 * services' (`https://cognitiveservices.azure.com/.default`); the token is refreshed
 * before it expires.
 */
import type { TokenCredential } from "@azure/identity";
import type { PlanAzureOpenAIOptions } from "../../../schemas/plan/protocols.js";
import { resolveSecret } from "../../base/secrets.js";
import { RefreshingCredential, type CredentialSource } from "./refreshing.js";

const SCOPE = "https://cognitiveservices.azure.com/.default";

type Entra = NonNullable<PlanAzureOpenAIOptions["entra"]>;

/** The settings are checked when the plan is linked; the library is loaded on first use (plans without Entra never load it). */
function credentialOf(e: Entra, env: NodeJS.ProcessEnv): (() => Promise<TokenCredential>) | string {
  const tenantId = e.tenantId ?? env["AZURE_TENANT_ID"];
  const clientId = e.clientId ?? env["AZURE_CLIENT_ID"];
  // Instance discovery asks Microsoft's public cloud about the authority: not for hosts it does not know (a private or test authority).
  const known = e.authorityHost === null || /^https:\/\/login\.(microsoftonline\.(com|us)|partner\.microsoftonline\.cn|chinacloudapi\.cn)\/?$/.test(e.authorityHost);
  const authority = e.authorityHost === null ? {} : { authorityHost: e.authorityHost, ...(known ? {} : { disableInstanceDiscovery: true }) };
  switch (e.method) {
    case "client-secret": {
      if (tenantId === undefined || clientId === undefined) return "Entra client-secret needs `tenantId` and `clientId` (or AZURE_TENANT_ID and AZURE_CLIENT_ID)";
      const secret = resolveSecret(e.clientSecret ?? "", env);
      if (!secret.ok) return secret.problem;
      return () => import("@azure/identity").then(({ ClientSecretCredential }) => new ClientSecretCredential(tenantId, clientId, secret.value, authority));
    }
    case "managed-identity":
      return () =>
        import("@azure/identity").then(({ ManagedIdentityCredential }) => (clientId === undefined ? new ManagedIdentityCredential() : new ManagedIdentityCredential({ clientId })));
    case "workload-identity":
      return () =>
        import("@azure/identity").then(
          ({ WorkloadIdentityCredential }) =>
            new WorkloadIdentityCredential({ ...authority, ...(tenantId === undefined ? {} : { tenantId }), ...(clientId === undefined ? {} : { clientId }) }),
        );
  }
}

/** The refreshing Entra token of an Azure OpenAI upstream, or a problem. */
export function entraTokenSource(upstream: string, e: Entra, env: NodeJS.ProcessEnv): CredentialSource<string> | string {
  const make = credentialOf(e, env);
  if (typeof make === "string") return make;
  let credential: Promise<TokenCredential> | null = null;
  return new RefreshingCredential(`provider ${upstream} (Entra ${e.method})`, async () => {
    const t = await (await (credential ??= make())).getToken(SCOPE);
    if (t === null) throw new Error("Azure's identity library returned no token");
    return { value: t.token, expiresAt: t.expiresOnTimestamp };
  });
}
