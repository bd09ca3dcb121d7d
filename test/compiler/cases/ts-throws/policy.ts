import { defineGateway } from "tollgate";

function region(): string {
  throw new Error("REGION is not configured");
}

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [{ name: "azure", kind: "openai-compatible", baseUrl: `https://${region()}.openai.azure.com/openai/v1` }],
});
