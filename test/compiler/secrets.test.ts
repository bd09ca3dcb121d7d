/** No diagnostic, in any format, may carry a secret value: not in messages, not in code frames. */
import { describe, expect, it } from "vitest";
import { compileSources, renderDiagnostics } from "../../compiler/index.js";

const SECRETS = {
  apiKey: "sk-proj-Zx81LeakedSecretValue0123456789",
  consumerKey: "tg-live-key-0042",
  pastedDigest: "tg-pasted-instead-of-digest",
  password: "Hunter2Password",
  tokenField: "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
  awsSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  awsKeyId: "AKIAIOSFODNN7EXAMPLE",
  redisUrl: "redis-plain-url-with-no-credentials",
  traceHeader: "otel-vendor-key-123456",
  adminToken: "admin-token-in-clear",
};

const policy = `apiVersion: tollgate/v1
providers:
  - name: openai
    kind: openai-compatible
    baseUrl: https://svc-user:${SECRETS.password}@api.example.com/v1
    apiKeys: [env:OPENAI_API_KEY, ${SECRETS.apiKey}]
    token: ${SECRETS.tokenField}
  - name: aws
    kind: bedrock
    bedrock: { region: us-east-1, accessKeyId: ${SECRETS.awsKeyId}, secretAccessKey: ${SECRETS.awsSecret} }
listener:
  admin: { port: 9901, token: ${SECRETS.adminToken} }
  traces: { endpoint: "http://otel:4318/v1/traces", headers: { x-api-key: ${SECRETS.traceHeader} } }
stores:
  redis: { url: ${SECRETS.redisUrl} }
models:
  - name: gpt-4o
    targets: [{ provider: openai }]
consumers:
  - name: a
    keys: [${SECRETS.consumerKey}]
  - name: b
    keys: [{ sha256: ${SECRETS.pastedDigest} }]
`;

function everyRendering(text: string): string {
  const result = compileSources([{ path: "policy.yaml", text }]);
  expect(result.plan).toBeNull();
  const sources = new Map([["policy.yaml", text]]);
  return ["human", "json", "github"].map((format) => renderDiagnostics(result.diagnostics, { format: format as "human" | "json" | "github", sources, color: false })).join("\n");
}

describe("secrets in diagnostics", () => {
  it("finds secrets in every field the schema marks as a secret reference, not by a list of names", () => {
    const result = compileSources([{ path: "policy.yaml", text: policy }]);
    const flagged = result.diagnostics.filter((d) => d.code === "TG1020").map((d) => d.message.replace(/ looks like a secret value.*$/, ""));
    expect(flagged).toEqual([
      "`apiKeys[1]` of provider `openai`",
      "`token` of provider `openai`",
      "`bedrock.accessKeyId` of provider `aws`",
      "`bedrock.secretAccessKey` of provider `aws`",
      "`listener.admin.token`",
      "`listener.traces.headers.x-api-key`",
      "`stores.redis.url`",
    ]);
  });

  it("reports literal secrets without ever printing them", () => {
    const output = everyRendering(policy);
    expect(output).toContain("TG1020");
    expect(output).toContain("TG1021");
    expect(output).toContain("TG1022");
    expect(output).toContain("****");
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
  });

  it("masks secrets even when a YAML syntax error stops everything else", () => {
    const broken = policy.replace("models:", "models: [unclosed");
    const output = everyRendering(broken);
    expect(output).toContain("TG1001");
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
  });

  it("masks credentials in a base URL (checked after the shape pass)", () => {
    const text = `apiVersion: tollgate/v1
providers:
  - { name: p, kind: openai-compatible, baseUrl: "https://u:${SECRETS.password}@h.example.com/v1" }
models:
  - { name: m, targets: [{ provider: p }] }
`;
    const output = everyRendering(text);
    expect(output).toContain("TG1041");
    expect(output).not.toContain(SECRETS.password);
  });
});
