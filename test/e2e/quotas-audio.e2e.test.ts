/**
 * Quotas on the endpoints besides chat, end to end on both listeners, with the official
 * `openai` client and raw undici against the mock upstream: transcriptions counted in
 * seconds of audio (reserved from the file's header, settled with the provider's
 * reported duration), speech in characters, embeddings in tokens, and spend at audio
 * prices (per minute, per million characters). Refusals are 429s in the OpenAI shape;
 * the usage ledger and `tollgate_audio_usage_total` show the same figures.
 */
import OpenAI, { toFile } from "openai";
import { FormData, request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import type { UsageReport } from "../../runtime/ops/usage-report.js";
import { wav } from "../support/audio-files.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { ADMIN_TOKEN, ADMIN_TOKEN_ENV } from "../support/quota-policy.js";
import { LISTENERS } from "../support/listeners.js";

const KEY_A = "sk-tg-audio-team-a";
const KEY_B = "sk-tg-audio-team-b";
// 2030-03-10 12:00:15 UTC: 45 s left in the minute.
const T0 = Date.UTC(2030, 2, 10, 12, 0, 15);

function policy(mockPort: number, quotas: string): string {
  return `apiVersion: tollgate/v1
listener:
  metrics: true
  admin: { port: 0, token: env:${ADMIN_TOKEN_ENV} }
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "http://127.0.0.1:${mockPort}/v1" }
models:
  - { name: stt, targets: [{ provider: mock, model: whisper-1, price: { audioMinute: 0.006 } }] }
  - { name: tts, targets: [{ provider: mock, model: tts-1, price: { characters: 15 } }] }
  - { name: embed, targets: [{ provider: mock, model: text-embedding-3-small, price: { input: 0.02 } }] }
consumers:
  - { name: alice, team: team-a, keys: [{ sha256: ${sha256Hex(KEY_A)} }] }
  - { name: bob, team: team-b, keys: [{ sha256: ${sha256Hex(KEY_B)} }] }
quotas:
${quotas}`;
}

describe.each(LISTENERS)("quotas on audio and embeddings (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway | null = null;
  const now = T0;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
  });
  afterAll(async () => {
    await mock?.close();
  });
  afterEach(async () => {
    await gw?.close();
    gw = null;
  });

  async function start(quotas: string): Promise<Gateway> {
    gw = await startGateway({ plan: compileYaml(policy(mock.port, quotas)), port: 0, server, env: { [ADMIN_TOKEN_ENV]: ADMIN_TOKEN }, quotaClock: () => now });
    return gw;
  }

  const client = (g: Gateway, key = KEY_A) => new OpenAI({ baseURL: `${g.url}/v1`, apiKey: key, maxRetries: 0 });

  async function transcribe(g: Gateway, audio: Buffer, opts: { key?: string; format?: string } = {}): Promise<{ status: number; body: string }> {
    const form = new FormData();
    form.append("model", "stt");
    form.append("file", new Blob([audio]), "clip.wav");
    if (opts.format !== undefined) form.append("response_format", opts.format);
    const res = await request(`${g.url}/v1/audio/transcriptions`, { method: "POST", headers: { authorization: `Bearer ${opts.key ?? KEY_A}` }, body: form });
    return { status: res.statusCode, body: await res.body.text() };
  }

  const report = async (g: Gateway): Promise<UsageReport> => {
    const res = await request(`${g.adminUrl}/admin/usage`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return (await res.body.json()) as UsageReport;
  };
  const counter = (r: UsageReport, quota: string, key: string) => r.quotas.find((q) => q.quota === quota && q.key === key);
  const metrics = async (g: Gateway) => (await request(`${g.url}/metrics`)).body.text();

  it("seconds of audio per team: reserved from the file's header, refused past the limit, other teams unaffected", async () => {
    const g = await start(`  - { name: stt-seconds, unit: audio-seconds, limit: 10, per: minute, scope: team }`);
    const openai = client(g);
    const first = await openai.audio.transcriptions.create({ model: "stt", file: await toFile(wav(4), "a.wav") });
    expect(first.text).toBe("Tollgate mock transcript.");
    expect((await transcribe(g, wav(4))).status).toBe(200);
    expect(counter(await report(g), "stt-seconds", "team-a")).toMatchObject({ unit: "audio-seconds", used: 8, remaining: 2 });
    // 4 s more do not fit in the 2 left: refused before the upstream is called.
    const calls = mock.requests.length;
    const refused = await transcribe(g, wav(4));
    expect(refused.status).toBe(429);
    const error = (JSON.parse(refused.body) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.message).toBe("quota `stt-seconds` is exhausted: 10 seconds of audio per minute; this request needs 4, 2 left. Retry after 45s.");
    expect(mock.requests.length).toBe(calls);
    // The official client sees a RateLimitError; a 1.5 s clip still fits.
    await expect(openai.audio.transcriptions.create({ model: "stt", file: await toFile(wav(3), "b.wav") })).rejects.toMatchObject({ status: 429 });
    expect((await transcribe(g, wav(1.5))).status).toBe(200);
    expect((await transcribe(g, wav(4), { key: KEY_B })).status).toBe(200);
    const r = await report(g);
    // The mock reports whole seconds, as whisper does: 1.5 s settles as 2.
    expect(counter(r, "stt-seconds", "team-a")).toMatchObject({ used: 10, remaining: 0 });
    expect(counter(r, "stt-seconds", "team-b")).toMatchObject({ used: 4 });
    const alice = r.ledger.find((row) => row.consumer === "alice" && row.model === "stt")!;
    expect(alice.day).toMatchObject({ requests: 3, audioSeconds: 10 });
    expect(alice.day.costUsd).toBeCloseTo((10 / 60) * 0.006, 9);
    expect(await metrics(g)).toContain('tollgate_audio_usage_total{gen_ai_request_model="stt",gen_ai_provider_name="mock",unit="seconds"} 14');
  });

  it("settles with the provider's duration, or keeps the estimate when the answer reports none", async () => {
    const g = await start(`  - { name: stt-seconds, unit: audio-seconds, limit: 100, per: minute }`);
    // No readable header: estimated at 16 kB/s (2.5 s); the mock reports 3 (it rounds up): settled to 3.
    expect((await transcribe(g, Buffer.alloc(40_000, 7))).status).toBe(200);
    expect(counter(await report(g), "stt-seconds", "*")?.used).toBe(3);
    // `text` answers carry no usage: the 6 s read from the header stay charged.
    const plain = await transcribe(g, wav(6), { format: "text" });
    expect(plain).toEqual({ status: 200, body: "Tollgate mock transcript." });
    expect(counter(await report(g), "stt-seconds", "*")?.used).toBe(9);
  });

  it("characters of speech: counted from the input, refused past the limit; spend at the per-character price", async () => {
    const g = await start(`  - { name: tts-chars, unit: characters, limit: 50, per: minute, scope: consumer }
  - { name: tts-spend, unit: usd, limit: 1, per: day }`);
    const openai = client(g);
    const input = "Thirty characters of speech!!";
    expect(input.length).toBe(29);
    const audio = Buffer.from(await (await openai.audio.speech.create({ model: "tts", voice: "alloy", input })).arrayBuffer());
    expect(audio.length).toBe(29 * 100);
    const refused = await openai.audio.speech.create({ model: "tts", voice: "alloy", input }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    expect((refused as Error).message).toContain("50 characters per minute; this request needs 29, 21 left");
    expect((await client(g, KEY_B).audio.speech.create({ model: "tts", voice: "alloy", input: "hi" })).ok).toBe(true);
    const r = await report(g);
    expect(counter(r, "tts-chars", "alice")?.used).toBe(29);
    expect(counter(r, "tts-spend", "*")?.used).toBeCloseTo(((29 + 2) * 15) / 1e6, 12);
    expect(r.ledger.find((row) => row.consumer === "alice" && row.model === "tts")!.day).toMatchObject({ requests: 1, characters: 29 });
    expect(await metrics(g)).toContain('tollgate_audio_usage_total{gen_ai_request_model="tts",gen_ai_provider_name="mock",unit="characters"} 31');
  });

  it("embeddings count tokens: an input larger than what is left is refused; the upstream's usage settles", async () => {
    const g = await start(`  - { name: embed-tokens, unit: tokens, limit: 40, per: minute }`);
    const openai = client(g);
    const small = await openai.embeddings.create({ model: "embed", input: ["alpha", "beta gamma"] });
    expect(small.usage.prompt_tokens).toBe(4);
    expect(counter(await report(g), "embed-tokens", "*")?.used).toBe(4);
    const long = "word ".repeat(60);
    await expect(openai.embeddings.create({ model: "embed", input: long })).rejects.toMatchObject({ status: 429 });
    // Token arrays count their length.
    expect((await openai.embeddings.create({ model: "embed", input: [[1, 2, 3, 4, 5]] })).data).toHaveLength(1);
  });

  it("a token quota also guards transcriptions: once exhausted, even a request that reserves nothing measurable is refused", async () => {
    const g = await start(`  - { name: tokens, unit: tokens, limit: 5, per: minute }`);
    // Estimated at 4 tokens, settled at the mock's 5 (a token per 4 characters): the quota is now exactly full.
    await client(g).embeddings.create({ model: "embed", input: "abcd efgh ijkl mnop" });
    expect(counter(await report(g), "tokens", "*")).toMatchObject({ used: 5, remaining: 0 });
    expect((await transcribe(g, wav(1))).status).toBe(429);
  });
});
