import { defineGateway } from "tollgate";

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [{ name: "openai", kind: "openai-compatible", baseUrl: "https://eu.api.example.com/v1" }],
  models: [{ name: "chat", targets: [{ provider: "openai" }] }],
});
