// A bare number where a duration goes, in TypeScript: refused at the node that wrote it.
import { defineGateway } from "tollgate";

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [{ name: "openai", kind: "openai-compatible", baseUrl: "https://api.openai.com/v1", apiKeys: ["env:OPENAI_API_KEY"], timeouts: { idle: 45000 } }],
  models: [{ name: "gpt-4o", targets: [{ provider: "openai" }] }],
  consumers: [{ name: "app", keys: [{ sha256: "1642b9e9e6f0b83c22be415577ccf26740c62159a59491e2fae89872e04a0660" }] }],
});
