import { defineGateway } from "tollgate";

const weight = (share: number) => share * 10;

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [{ name: "vllm", kind: "openai-compatible", baseUrl: "http://10.0.0.7:8000/v1", network: "private" }],
  models: [{ name: "chat", targets: [{ provider: "vllm", weight: weight as unknown as number }] }],
});
