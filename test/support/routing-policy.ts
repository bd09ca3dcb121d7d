/**
 * The policy the routing end-to-end suite runs: three mock upstreams stand for three
 * self-hosted endpoints (a GPU pool), and each model or route sends a distinct
 * upstream model name, which the mock echoes, so an answer shows the route taken.
 */
import { sha256Hex } from "./compile.js";

export const KEY_APP = "sk-tg-routing-app";
export const KEY_GOLD = "sk-tg-routing-gold";
export const KEY_RESEARCH = "sk-tg-routing-research";

export function routingPolicy(ports: readonly [number, number, number]): string {
  const [a, b, c] = ports.map((p) => `http://127.0.0.1:${p}/v1`);
  return `apiVersion: tollgate/v1
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "${a}" }
pools:
  - name: gpus
    gpuWeights: { H100: 3, A100: 1 }
    endpoints:
      - { name: h100, baseUrl: "${a}", gpu: H100, gpus: 2 }
      - { name: a100-x, baseUrl: "${b}", gpu: A100, gpus: 2 }
      - { name: a100-y, baseUrl: "${c}", gpu: A100 }
  - name: ring
    endpoints:
      - { name: r0, baseUrl: "${a}", gpu: L40S }
      - { name: r1, baseUrl: "${b}", gpu: L40S }
      - { name: r2, baseUrl: "${c}", gpu: L40S }
classifiers:
  - name: complex
    keywords: [prove, "step by step", refactor, 证明, 証明, 증명]
    patterns: ["\\\\bdef\\\\s+\\\\w+\\\\("]
models:
  - name: split
    targets:
      - { provider: mock, model: split-a, weight: 3 }
      - { provider: mock, model: split-b, weight: 1 }
      - { provider: mock, model: split-c, weight: 2 }
  - name: gpu
    targets: [{ provider: gpus, model: echo }]
  - name: sessions
    targets: [{ provider: ring, model: echo }]
    strategy: { kind: session-affinity, sessionHeader: x-session-id }
  - name: held
    targets: [{ provider: ring, model: "echo+ttft=400" }]
    strategy: session-affinity
  - name: prefixes
    targets: [{ provider: ring, model: echo }]
    strategy: { kind: prefix-affinity, blockTokens: 16 }
  - name: small
    targets: [{ provider: mock, model: small-echo }]
  - name: large
    targets: [{ provider: mock, model: large-echo }]
  - name: gold
    targets: [{ provider: mock, model: gold-echo }]
  - name: research
    targets: [{ provider: mock, model: research-echo }]
routes:
  - { name: research-team, match: { model: auto, team: research }, model: research }
  - { name: gold-tier, match: { model: auto, consumerTags: { tier: gold } }, model: gold }
  - { name: long-prompts, match: { model: auto, promptTokens: { gt: 2000 } }, model: large }
  - { name: complex-prompts, match: { model: auto, classifier: complex }, model: large }
  - { name: chat-path, match: { model: auto, path: /v1/chat/completions }, model: small }
consumers:
  - { name: app, keys: [{ sha256: ${sha256Hex(KEY_APP)} }] }
  - { name: gold, tags: { tier: gold }, keys: [{ sha256: ${sha256Hex(KEY_GOLD)} }] }
  - { name: lab, team: research, keys: [{ sha256: ${sha256Hex(KEY_RESEARCH)} }] }
`;
}
