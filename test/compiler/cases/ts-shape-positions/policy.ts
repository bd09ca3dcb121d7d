import { defineGateway } from "tollgate";

const common = { kind: "openai-compatible", timeouts: { connect: "5 s" } } as any;

export default defineGateway({
  apiVersion: "tollgate/v1",
  providers: [{ name: "vllm", baseUrl: "http://10.0.0.7:8000/v1", network: "private", ...common, colour: "red" } as any],
  models: [{ name: "chat", targets: [{ provider: "vllm", weight: -1 }] }],
});
