/**
 * Encryption at rest, one mechanism (runtime/base/sealer.ts) for everything stored:
 * values open only under their own name, keys rotate (the old key still opens, the new
 * one seals), the caches' former layout still opens; conversation memory is sealed in
 * this process and in Redis, proven by reading the raw store, and survives a rotation.
 */
import { createClient } from "@redis/client";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { Sealer } from "../../runtime/base/sealer.js";
import { LocalMemoryStore } from "../../runtime/stages/memory/memory-store.js";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { startRedis, type TestRedis } from "../support/redis-server.js";

const OLD = "11".repeat(32);
const NEW = "a new passphrase, rotated in";
const DIARY = "my private diary: the launch slips to March";

describe("Sealer", () => {
  it("opens what it sealed, under the same name only, and refuses tampering", () => {
    const s = new Sealer(OLD);
    const sealed = s.seal(Buffer.from(DIARY), "mem:a");
    expect(sealed.includes(Buffer.from("diary"))).toBe(false);
    expect(s.open(sealed, "mem:a")?.toString()).toBe(DIARY);
    expect(s.open(sealed, "mem:b")).toBeNull();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(s.open(tampered, "mem:a")).toBeNull();
    expect(s.openText(s.sealText(DIARY, "x"), "x")).toBe(DIARY);
  });

  it("rotates: the new key seals, the old key still opens, a dropped key no longer does", () => {
    const before = new Sealer([OLD]).seal(Buffer.from(DIARY), "n");
    const rotated = new Sealer([NEW, OLD]);
    expect(rotated.open(before, "n")?.toString()).toBe(DIARY);
    const after = rotated.seal(Buffer.from(DIARY), "n");
    expect(new Sealer([NEW]).open(after, "n")?.toString()).toBe(DIARY);
    expect(new Sealer([OLD]).open(after, "n")).toBeNull();
    expect(new Sealer([NEW]).open(before, "n")).toBeNull();
  });

  it("opens the response cache's former headerless layout", () => {
    const key = Buffer.from(OLD, "hex");
    const nonce = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", key, nonce);
    c.setAAD(Buffer.from("k1"));
    const body = Buffer.concat([c.update(Buffer.from(DIARY)), c.final()]);
    const legacy = Buffer.concat([nonce, c.getAuthTag(), body]);
    expect(new Sealer([NEW, OLD]).open(legacy, "k1")?.toString()).toBe(DIARY);
    // A passphrase is hashed to the key, as the cache always did.
    expect(createHash("sha256").update("pp").digest().length).toBe(32);
  });

  it("local conversation memory holds the conversation sealed", async () => {
    const store = new LocalMemoryStore(10, () => 0, new Sealer([OLD]));
    await store.save("c:s1", [{ messages: [{ role: "user", content: DIARY }], tokens: 12 }], 60_000);
    expect(store.rawEntry("c:s1")).not.toContain("diary");
    expect(store.rawEntry("c:s1")).not.toContain("user");
    expect((await store.load("c:s1"))[0]!.messages[0]!.content).toBe(DIARY);
    const clear = new LocalMemoryStore(10, () => 0);
    await clear.save("c:s1", [{ messages: [{ role: "user", content: DIARY }], tokens: 12 }], 60_000);
    expect(clear.rawEntry("c:s1")).toContain("diary");
  });
});

describe("conversation memory in Redis, read raw, across a key rotation", () => {
  const KEY = "sk-tg-at-rest";
  let redis: TestRedis;
  let mock: MockUpstream;
  let raw: ReturnType<typeof createClient>;

  const policy = (mockPort: number, keys: string): string => `apiVersion: tollgate/v1
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "http://127.0.0.1:${mockPort}/v1" }
models:
  - { name: chat, targets: [{ provider: mock, model: echo }] }
routes:
  - { match: { model: chat }, model: chat, memory: { store: redis, maxTurns: 10 } }
consumers:
  - { name: app, keys: [{ sha256: ${sha256Hex(KEY)} }] }
stores:
  redis: { url: env:REDIS_URL, prefix: atrest }
  encryptionKeys: [${keys}]
`;

  beforeAll(async () => {
    setQuietLogs(true);
    redis = await startRedis();
    mock = await startMockUpstream({ port: 0 });
    raw = createClient({ url: redis.url });
    await raw.connect();
  });
  afterAll(async () => {
    await raw?.quit();
    await mock?.close();
    await redis?.stop();
  });

  async function turn(gw: Gateway, content: string, session = "diary"): Promise<void> {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: "chat", messages: [{ role: "user", content }] }, { headers: { "x-tollgate-session": session } });
  }

  async function stored(): Promise<string[]> {
    const keys = await raw.keys("atrest*mem:*");
    expect(keys.length).toBeGreaterThan(0);
    return Promise.all(keys.map(async (k) => (await raw.get(k)) ?? ""));
  }

  it("is sealed at rest, and continues after the key is rotated", async () => {
    const env = { REDIS_URL: redis.url, K_OLD: OLD, K_NEW: NEW };
    const first = await startGateway({ plan: compileYaml(policy(mock.port, "env:K_OLD")), port: 0, server: "node", env });
    await turn(first, DIARY);
    await first.close();
    for (const value of await stored()) {
      expect(value).not.toContain("diary");
      expect(value).not.toContain("March");
      expect(value).not.toContain("role");
    }
    const before = await stored();
    // Rotation: the new key first, the old one kept so the conversation still opens.
    const second = await startGateway({ plan: compileYaml(policy(mock.port, "env:K_NEW, env:K_OLD")), port: 0, server: "node", env });
    // The gateway opens its Redis connection on first use: a first lookup may miss while it connects.
    await turn(second, "warm up", "other");
    await turn(second, "and what did I say before?");
    await second.close();
    expect(mock.requests.at(-1)!.body, JSON.stringify(before)).toContain(DIARY);
    const after = await stored();
    expect(after).not.toEqual(expect.arrayContaining(before));
    const sealedWithNew = new Sealer([NEW]);
    const keys = await raw.keys("atrest*mem:*");
    const diary = await Promise.all(keys.map(async (k) => ({ name: `mem:${k.split("mem:")[1]}`, value: (await raw.get(k)) ?? "" })));
    const opened = diary.map((d) => sealedWithNew.openText(d.value, d.name)).filter((t) => t?.includes(DIARY));
    expect(opened.length).toBe(1);
    for (const d of diary) expect(new Sealer([OLD]).openText(d.value, d.name)).toBeNull();
  });
});

describe("the usage spool", () => {
  it("holds records sealed on disk, replays them after a rotation, and still replays lines spooled in clear", async () => {
    const { mkdtempSync, readdirSync, readFileSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { Spool } = await import("../../runtime/state/spool.js");
    const dir = join(mkdtempSync(join(tmpdir(), "tollgate-spool-")), "postgres");
    const record = { requestId: "r1", consumer: "finance", note: DIARY };
    expect(await new Spool<typeof record>(dir, 1 << 20, new Sealer(OLD)).append([record])).toBe(true);
    const raw = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .join("");
    expect(raw).not.toContain("diary");
    expect(raw).not.toContain("finance");
    // A plain line from before encryption was turned on, in an older segment.
    writeFileSync(join(dir, "000000000000000-1-0-0.jsonl"), JSON.stringify({ ...record, requestId: "r0" }) + "\n");
    const rotated = new Spool<typeof record>(dir, 1 << 20, new Sealer([NEW, OLD]));
    const replayed: (typeof record)[] = [];
    while ((await rotated.replayOne(async (batch) => void replayed.push(...batch), 10)) > 0);
    expect(replayed.map((r) => r.requestId)).toEqual(["r0", "r1"]);
    expect(replayed[1]).toEqual(record);
  });
});
