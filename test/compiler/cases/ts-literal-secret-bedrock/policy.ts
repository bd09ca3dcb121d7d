import { defineGateway } from "tollgate";

// A literal AWS secret access key in TypeScript: masked in the frame and in the type error.
export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [
    {
      name: "aws",
      kind: "bedrock",
      bedrock: { region: "us-east-1", accessKeyId: "env:AWS_ACCESS_KEY_ID", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    },
  ],
  models: [{ name: "claude", targets: [{ provider: "aws", model: "anthropic.claude-3-5-haiku-20241022-v1:0" }] }],
});
