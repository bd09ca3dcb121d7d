/**
 * Bedrock's signing credentials through the AWS SDK's own credential providers, as
 * the plan names them (`bedrock.credentials`): the SDK's default chain, the environment,
 * a shared-config profile, a web identity token file (IRSA), the container endpoint (ECS
 * task roles, EKS Pod Identity) or EC2 instance metadata. Every provider honours the
 * SDK's usual variables (`AWS_PROFILE`, `AWS_SHARED_CREDENTIALS_FILE`,
 * `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_CONTAINER_CREDENTIALS_FULL_URI`,
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, `AWS_EC2_METADATA_SERVICE_ENDPOINT`,
 * `AWS_ENDPOINT_URL_STS`, …); temporary credentials are refreshed before they expire.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { PlanBedrockOptions } from "../../../schemas/plan/protocols.js";
import type { AwsCredentials } from "../link-credentials.js";
import { RefreshingCredential, type CredentialSource } from "./refreshing.js";

/** The SDK provider of a credential source other than `keys` (the SDK loaded on first use: plans without it never load it). */
async function providerOf(o: PlanBedrockOptions): Promise<AwsCredentialIdentityProvider> {
  const { fromEnv, fromHttp, fromIni, fromInstanceMetadata, fromNodeProviderChain, fromTokenFile } = await import("@aws-sdk/credential-providers");
  switch (o.credentials) {
    case "env":
      return fromEnv();
    case "profile":
      return fromIni(o.profile === undefined ? {} : { profile: o.profile });
    case "web-identity":
      return fromTokenFile({ clientConfig: { region: o.region } });
    case "container":
      return fromHttp();
    case "instance":
      return fromInstanceMetadata({ maxRetries: 1 });
    default:
      return fromNodeProviderChain({ clientConfig: { region: o.region } });
  }
}

function signingCredentials(c: AwsCredentialIdentity): AwsCredentials {
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken ?? null };
}

/** The refreshing credentials of a Bedrock upstream whose plan names an SDK source. */
export function awsCredentialSource(upstream: string, o: PlanBedrockOptions): CredentialSource<AwsCredentials> {
  let provider: Promise<AwsCredentialIdentityProvider> | null = null;
  return new RefreshingCredential(`provider ${upstream} (AWS ${o.credentials ?? "chain"})`, async () => {
    const c = await (await (provider ??= providerOf(o)))();
    return { value: signingCredentials(c), expiresAt: c.expiration === undefined ? null : c.expiration.getTime() };
  });
}
