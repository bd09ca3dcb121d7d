import { defineGateway } from "tollgate";

// One typo in a shared target, used by two models: one error with the cause first, and
// the second place as a note, not two errors with a screen of types each.
const target = { provider: "opneai" as const, model: "gpt-4o-mini" };

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [{ name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1" }],
  models: [
    { name: "chat", targets: [target] },
    { name: "mini", targets: [target] },
  ],
});
