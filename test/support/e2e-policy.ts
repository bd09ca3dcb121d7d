/**
 * The policy the end-to-end suites run: one mock upstream reached through several
 * providers so that fallbacks, failures and allow-lists can be scripted through the
 * mock's model-name directives (the gateway forwards no client headers).
 */
import { sha256Hex } from "./compile.js";

export const KEY_ALL = "sk-tg-e2e-all";
export const KEY_LIMITED = "sk-tg-e2e-limited";
export const PROVIDER_KEY_ENV = "TOLLGATE_E2E_PROVIDER_KEY";
export const PROVIDER_KEY = "sk-upstream-secret-e2e";

export function e2ePolicy(mockPort: number, extra = ""): string {
  return `apiVersion: tollgate/v1
listener:
  maxBodyBytes: 256KiB
  maxJsonDepth: 32
providers:
  - name: mock
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
    apiKeys: [env:${PROVIDER_KEY_ENV}]
    timeouts: { connect: 1s, firstByte: 1500ms, idle: 2s, total: 5s }
  - name: dead
    kind: openai-compatible
    baseUrl: http://127.0.0.1:1/v1
    timeouts: { connect: 500ms }
models:
  - name: echo
    targets: [{ provider: mock }]
  - name: chat
    targets: [{ provider: mock, model: echo }]
  - name: flaky
    targets: [{ provider: mock, model: "echo+status=500" }]
    fallbacks: [{ provider: mock, model: echo }]
  - name: unreachable
    targets: [{ provider: dead, model: echo }]
    fallbacks: [{ provider: mock, model: echo }]
  - name: broken
    targets: [{ provider: mock, model: "echo+status=503" }]
    fallbacks: [{ provider: dead, model: echo }]
  - name: limited
    targets: [{ provider: mock, model: "echo+status=429+retry=7" }]
  - name: rejecting
    targets: [{ provider: mock, model: "echo+status=400" }]
    fallbacks: [{ provider: mock, model: echo }]
  - name: dropping
    targets: [{ provider: mock, model: "echo+drop=3" }]
    fallbacks: [{ provider: mock, model: echo }]
  - name: slow
    targets: [{ provider: mock, model: "echo+ttft=3000" }]
  - name: trickle
    targets: [{ provider: mock, model: "echo+tps=20+tokens=200" }]
routes:
  - match: { model: "gpt-*" }
    model: chat
consumers:
  - name: all
    keys: [{ sha256: ${sha256Hex(KEY_ALL)} }]
  - name: limited
    keys: [{ sha256: ${sha256Hex(KEY_LIMITED)} }]
    models: [chat]
${extra}`;
}
