/**
 * A gateway written in TypeScript. `defineGateway` infers the provider and model names,
 * so a typo in a target, fallback, route, allow-list or test is a type error in the
 * editor, and `tollgate check` reports it with file:line:col.
 */
import { defineGateway } from "tollgate";
import { providers } from "./providers.js";

/** Teams and the SHA-256 of their API keys (`tollgate hash-key <key>`). */
const teams = {
  search: "1642b9e9e6f0b83c22be415577ccf26740c62159a59491e2fae89872e04a0660",
  support: "3c7de32c7ea640bdfc6f817d3cc8fb9e8d14ac16d6f39d5ac2fd0b1bc3089fce",
};

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [...providers],
  models: [
    {
      // Three quarters of chat traffic on the in-cluster pool, the rest on OpenAI.
      name: "chat",
      targets: [
        { provider: "vllm", model: "meta-llama/Llama-3.1-70B-Instruct", weight: 3 },
        { provider: "openai", model: "gpt-4o-mini", weight: 1 },
      ],
      fallbacks: [{ model: "gpt-4o" }],
    },
    { name: "gpt-4o", targets: [{ provider: "openai" }] },
  ],
  routes: [{ name: "openai-names", match: { model: "gpt-4o-*" }, model: "chat" }],
  consumers: [
    { name: "search", keys: [{ sha256: teams.search }], models: ["chat", "gpt-4o"] },
    { name: "support", keys: [{ sha256: teams.support }], models: ["chat"] },
  ],
  tests: [
    {
      name: "support chats mostly on vLLM",
      given: { model: "chat", consumer: "support" },
      expect: { route: "model:chat", model: "chat", target: { provider: "vllm", share: 0.75 } },
    },
    {
      name: "dated OpenAI names are served by chat",
      given: { model: "gpt-4o-2024-08-06", consumer: "search" },
      expect: { route: "openai-names", model: "chat" },
    },
    {
      name: "support may not use gpt-4o",
      given: { model: "gpt-4o", consumer: "support" },
      expect: { reject: { status: 403, code: "model_not_allowed" } },
    },
    { name: "no key, no service", given: { model: "chat" }, expect: { reject: { status: 401 } } },
  ],
});
