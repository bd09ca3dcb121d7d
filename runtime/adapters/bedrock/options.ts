/**
 * What the bedrock adapter needs from the plan besides the model id. A local shape until
 * the plan carries per-adapter options; `index.ts` maps the plan's fields onto it.
 */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** For temporary credentials (STS); sent as `x-amz-security-token`. */
  readonly sessionToken?: string | undefined;
}

export interface BedrockOptions {
  /** The AWS region, part of the signature scope (`us-east-1`). */
  readonly region: string;
  /** The `host` header the request is signed for (the upstream origin's host[:port]). */
  readonly host: string;
  readonly credentials: AwsCredentials;
}
