import { defineGateway } from "tollgate";

// Declares its own provider and model, and refers to `vllm`, `big`, `search`, `web` and `pii` from a.yaml.
export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [{ name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1", apiKeys: ["env:OPENAI_API_KEY"] }],
  models: [
    {
      name: "chat",
      targets: [{ provider: "openai", model: "gpt-4o-mini" }],
      fallbacks: [{ provider: "vllm", model: "llama-3.1-8b" }, { model: "big" }],
      guardrails: ["pii"],
    },
  ],
  routes: [{ name: "search-big", match: { model: "auto", team: "web", consumer: "search" }, model: "big" }],
  quotas: [{ name: "web-daily", limit: 1000000, per: "day", scope: "team", match: { teams: ["web"], models: ["big", "chat"] } }],
});
