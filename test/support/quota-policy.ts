/**
 * Policies for the quota end-to-end suites: the mock upstream behind priced targets,
 * consumers in teams, and whatever quotas a test needs.
 */
import { sha256Hex } from "./compile.js";

export const KEY_A = "sk-tg-quota-team-a";
export const KEY_A2 = "sk-tg-quota-team-a-2";
export const KEY_B = "sk-tg-quota-team-b";
export const ADMIN_TOKEN_ENV = "TOLLGATE_QUOTA_ADMIN_TOKEN";
export const ADMIN_TOKEN = "admin-token-quota-tests";

/** Prices (USD per 1M tokens) of the two models: `pricey` like gpt-4o, `cheap` like gpt-4o-mini. */
export const PRICEY = { input: 2.5, output: 10 };
export const CHEAP = { input: 0.15, output: 0.6 };

export function quotaPolicy(mockPort: number, quotas: string, opts: { stores?: string; admin?: boolean } = {}): string {
  return `apiVersion: tollgate/v1
listener:
  maxBodyBytes: 4MiB
${opts.admin === false ? "" : `  admin: { port: 0, token: env:${ADMIN_TOKEN_ENV} }\n`}providers:
  - name: mock
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
    timeouts: { connect: 1s, firstByte: 5s, idle: 5s, total: 20s }
models:
  - name: pricey
    targets: [{ provider: mock, model: echo, price: { input: ${PRICEY.input}, output: ${PRICEY.output} } }]
  - name: cheap
    targets: [{ provider: mock, model: echo-mini, price: { input: ${CHEAP.input}, output: ${CHEAP.output} } }]
  - name: slow
    targets: [{ provider: mock, model: "echo+ttft=300", price: { input: ${PRICEY.input}, output: ${PRICEY.output} } }]
  - name: trickle
    targets: [{ provider: mock, model: "echo+tps=40+tokens=200", price: { input: ${PRICEY.input}, output: ${PRICEY.output} } }]
  - name: failing
    targets: [{ provider: mock, model: "echo+status=500", price: { input: ${PRICEY.input}, output: ${PRICEY.output} } }]
consumers:
  - { name: alice, team: team-a, keys: [{ sha256: ${sha256Hex(KEY_A)} }] }
  - { name: anna, team: team-a, keys: [{ sha256: ${sha256Hex(KEY_A2)} }] }
  - { name: bob, team: team-b, keys: [{ sha256: ${sha256Hex(KEY_B)} }] }
${opts.stores ?? ""}
quotas:
${quotas}`;
}
