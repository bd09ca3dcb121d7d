/**
 * The upstreams, in their own module: gateway.ts imports them. A module without a
 * policy export is a helper, not a policy document of its own.
 */
export const providers = [
  {
    name: "openai",
    kind: "openai-compatible",
    baseUrl: "https://api.openai.com/v1",
    apiKeys: ["env:OPENAI_API_KEY"], // a reference: the runtime reads the variable, the policy never holds the key
    timeouts: { firstByte: "30s" },
  },
  {
    name: "vllm",
    kind: "openai-compatible",
    baseUrl: "http://vllm.llm.svc.cluster.local:8000/v1",
    network: "private",
    timeouts: { connect: "500ms", firstByte: "20s", total: "5m" },
    connections: 512,
  },
] as const;
