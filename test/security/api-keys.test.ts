/**
 * API keys: keyed digests (HMAC-SHA256 of the key's SHA-256 with the server secret) next
 * to the former unkeyed SHA-256 entries, expiry (401 `api_key_expired`), the migration
 * path (`tollgate hash-key --hmac --from-sha256` gives from an existing entry the digest
 * `--hmac` gives from the key), `tollgate check` on expired and expiring keys, and
 * `diff` on keys added, removed and expiring; through a real gateway on both listeners.
 */
import { createHash } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENERS } from "../support/listeners.js";
import { hashKeyCommand, keyedDigest } from "../../cli/hash-key.js";
import { compileSources } from "../../compiler/index.js";
import { diffPlans } from "../../compiler/commands/diff/plan-diff.js";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml } from "../support/compile.js";
import { useCapturedIo } from "../support/captured-io.js";

const SECRET = "server-secret-for-key-digests";
const OLD_KEY = "sk-tg-legacy-key";
const NEW_KEY = "sk-tg-keyed-key";
const EXPIRED_KEY = "sk-tg-expired-key";
const sha = (k: string): string => createHash("sha256").update(k).digest("hex");

function policy(mockPort: number, consumers: string, listener = "  apiKeys: { hmacSecret: env:KEY_SECRET }\n"): string {
  return `apiVersion: tollgate/v1
${listener === "" ? "" : `listener:\n${listener}`}providers:
  - { name: mock, kind: openai-compatible, baseUrl: "http://127.0.0.1:${mockPort}/v1" }
models:
  - { name: echo, targets: [{ provider: mock }] }
consumers:
${consumers}`;
}

const CONSUMERS = `  - name: app
    keys:
      - { sha256: ${sha(OLD_KEY)} }
      - { hmac: ${keyedDigest(SECRET, sha(NEW_KEY))}, expiresAt: "2999-12-31" }
      - { hmac: ${keyedDigest(SECRET, sha(EXPIRED_KEY))}, expiresAt: "2021-06-30T12:00:00Z" }
`;

describe.each(LISTENERS)("keyed digests and expiry through the gateway (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    gw = await startGateway({ plan: compileYaml(policy(mock.port, CONSUMERS)), port: 0, server, env: { KEY_SECRET: SECRET } });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  const call = (key: string) =>
    new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create({ model: "echo", messages: [{ role: "user", content: "hi" }] });

  it("accepts a key by its keyed digest and by its former unkeyed one", async () => {
    expect((await call(NEW_KEY)).object).toBe("chat.completion");
    expect((await call(OLD_KEY)).object).toBe("chat.completion");
  });

  it("refuses an expired key with 401 api_key_expired, and an unknown key with invalid_api_key", async () => {
    const expired = await call(EXPIRED_KEY).catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((expired as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("api_key_expired");
    expect((expired as Error).message).toContain("2021-06-30T12:00:00.000Z");
    const unknown = await call("sk-tg-nobody").catch((e: unknown) => e);
    expect((unknown as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("invalid_api_key");
    // The keyed digest of a key is no unkeyed digest: sending the digest itself matches nothing.
    const digestAsKey = await call(keyedDigest(SECRET, sha(NEW_KEY))).catch((e: unknown) => e);
    expect((digestAsKey as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("invalid_api_key");
  });
});

describe("linking keyed digests", () => {
  it("refuses a plan whose keyed digests cannot be checked (no secret in the environment)", async () => {
    const mock = await startMockUpstream({ port: 0 });
    try {
      await expect(startGateway({ plan: compileYaml(policy(mock.port, CONSUMERS)), port: 0, server: "node", env: {} })).rejects.toThrow(/hmacSecret/);
    } finally {
      await mock.close();
    }
  });
});

describe("tollgate hash-key", () => {
  const io = useCapturedIo("tollgate-hash-key-");

  it("--hmac from the key and --hmac --from-sha256 from the existing entry give the same digest", async () => {
    const env = { TOLLGATE_KEY_SECRET: SECRET };
    expect(await hashKeyCommand(NEW_KEY, {}, env)).toBe(0);
    const unkeyed = io.out.trim();
    expect(unkeyed).toBe(sha(NEW_KEY));
    io.out = "";
    expect(await hashKeyCommand(NEW_KEY, { hmac: true }, env)).toBe(0);
    const fromKey = io.out.trim();
    io.out = "";
    expect(await hashKeyCommand(unkeyed, { hmac: true, fromSha256: true }, env)).toBe(0);
    expect(io.out.trim()).toBe(fromKey);
    expect(fromKey).not.toBe(unkeyed);
    expect(await hashKeyCommand(NEW_KEY, { hmac: true }, {})).toBe(2);
    expect(io.err).toContain("TOLLGATE_KEY_SECRET");
  });
});

describe("tollgate check and diff on keys", () => {
  const at = (iso: string): string => `  - name: app\n    keys:\n      - { sha256: ${sha(OLD_KEY)}, expiresAt: "${iso}" }\n`;
  const codes = (text: string, now: number): string[] => compileSources([{ path: "p.yaml", text }], { now }).diagnostics.map((d) => d.code);
  const now = Date.parse("2026-03-01T00:00:00Z");

  it("warns about a key that expired (TG3034) and one expiring within the window (TG3035), not one far off", () => {
    expect(codes(policy(1, at("2026-02-01"), ""), now)).toContain("TG3034");
    expect(codes(policy(1, at("2026-03-10"), ""), now)).toContain("TG3035");
    expect(codes(policy(1, at("2026-03-10"), "  apiKeys: { hmacSecret: env:K, expiryWarning: 24h }\n"), now)).not.toContain("TG3035");
    expect(codes(policy(1, at("2027-01-01"), ""), now).filter((c) => c.startsWith("TG303"))).toEqual([]);
  });

  it("diff names keys added and removed, and an expiry removed (access widened) or added", () => {
    const plan = (consumers: string) => compileSources([{ path: "p.yaml", text: policy(1, consumers, "") }], { now }).plan!;
    const before = plan(at("2026-06-01"));
    const after = plan(`  - name: app\n    keys:\n      - { sha256: ${sha(OLD_KEY)} }\n      - { sha256: ${sha(NEW_KEY)}, expiresAt: "2026-09-01" }\n`);
    const diff = diffPlans(before, after);
    const text = JSON.stringify(diff);
    expect(text).toContain("1 API key(s) added");
    expect(text).toContain(`API key ${sha(OLD_KEY).slice(0, 12)}… no longer expires`);
    expect(text).toContain(`API key ${sha(NEW_KEY).slice(0, 12)}… expires at 2026-09-01`);
    const removed = diffPlans(after, before);
    expect(JSON.stringify(removed.changes)).toContain(sha(NEW_KEY));
  });
});
