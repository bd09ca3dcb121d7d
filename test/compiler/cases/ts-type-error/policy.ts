import { defineGateway } from "tollgate";

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [
    { name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1" },
    { name: "vllm", kind: "openai-compatible", baseUrl: "http://10.0.0.7:8000/v1", network: "private" },
  ],
  models: [{ name: "chat", targets: [{ provider: "opneai" }] }],
});
