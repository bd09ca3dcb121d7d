/** No diagnostic, in any format, may carry a secret value: not in messages, not in code frames. */
import { describe, expect, it } from "vitest";
import { compileSources, renderDiagnostics } from "../../compiler/index.js";

const SECRETS = {
  apiKey: "sk-proj-Zx81LeakedSecretValue0123456789",
  consumerKey: "tg-live-key-0042",
  pastedDigest: "tg-pasted-instead-of-digest",
  password: "Hunter2Password",
  tokenField: "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
};

const policy = `apiVersion: tollgate/v1
providers:
  - name: openai
    kind: openai-compatible
    baseUrl: https://svc-user:${SECRETS.password}@api.example.com/v1
    apiKeys: [env:OPENAI_API_KEY, ${SECRETS.apiKey}]
    token: ${SECRETS.tokenField}
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
