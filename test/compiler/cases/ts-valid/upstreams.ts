// A helper module: no policy export, imported by gateway.ts.
export const vllm = { name: "vllm", kind: "openai-compatible", baseUrl: "http://10.0.0.7:8000/v1", network: "private", timeouts: { connect: "500ms" } } as const;
