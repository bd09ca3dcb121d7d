import { defineGateway } from "tollgate";
import { vllm } from "./upstreams.js";

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [vllm, { name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1", apiKeys: ["env:OPENAI_API_KEY"] }],
  models: [
    { name: "chat", targets: [{ provider: "vllm", weight: 3 }, { provider: "openai", model: "gpt-4o-mini" }], fallbacks: [{ provider: "openai", model: "gpt-4o" }] },
  ],
  routes: [{ match: { model: "gpt-*" }, model: "chat" }],
  consumers: [{ name: "team-a", keys: [{ sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" }], models: ["chat"] }],
  tests: [{ name: "gpt names reach chat", given: { model: "gpt-4o", consumer: "team-a" }, expect: { model: "chat", target: { provider: "vllm", share: 0.75 } } }],
});
