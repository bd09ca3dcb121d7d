import { defineGateway } from "tollgate";

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [
    { name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1", apiKeys: ["sk-proj-Zx81LeakedSecretValue"] },
    { name: "proxy", kind: "openai-compatible", baseUrl: "https://svc:Hunter2Password@proxy.example.com/v1" },
  ],
});
