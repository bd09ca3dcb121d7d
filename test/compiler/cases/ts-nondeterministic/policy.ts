import { defineGateway } from "tollgate";

const weight = Math.random() < 0.5 ? 1 : 2;

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [{ name: "vllm", kind: "openai-compatible", baseUrl: "http://10.0.0.7:8000/v1", network: "private" }],
  models: [{ name: "chat", targets: [{ provider: "vllm", weight }] }],
});
