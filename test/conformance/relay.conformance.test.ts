/**
 * Embeddings and audio through the gateway, against every adapter setup that relays
 * them, with the official `openai` client: the answers are the upstream's, the usage
 * units are recorded (tokens for embeddings, seconds of audio for transcriptions,
 * characters of input for speech: read back from the audit log), and failures map like
 * chat's. A model served only by a protocol without the endpoint gets a clear 400.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { MOCK_TRANSCRIPT, speechBytes } from "../../tools/mock-upstream/audio.js";
import { embed } from "../../tools/mock-upstream/embeddings.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import type { AuditLine } from "../../runtime/ops/audit-log.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { ADAPTER_SETUPS, type AdapterSetup } from "./adapter-setups.js";
import { LISTENERS } from "../support/listeners.js";

const CLIENT_KEY = "sk-tg-relay";

function policy(setup: AdapterSetup, mock: MockUpstream, auditFile: string): string {
  return `apiVersion: tollgate/v1
listener:
  maxAudioBytes: 64KiB
  audit: { sink: file, path: ${JSON.stringify(auditFile)} }
providers:
${setup.provider(mock)}  - name: messages-only
    kind: anthropic
    baseUrl: ${mock.url}
    apiKeys: [env:UP_KEY]
models:
  - { name: embed, targets: [{ provider: up, model: text-embedding-3-small }] }
  - { name: stt, targets: [{ provider: up, model: whisper-1 }] }
  - { name: stt-stream, targets: [{ provider: up, model: gpt-4o-transcribe }] }
  - { name: tts, targets: [{ provider: up, model: tts-1 }] }
  - { name: tts-limited, targets: [{ provider: up, model: "tts-1+status=429" }] }
  - { name: claude-only, targets: [{ provider: messages-only, model: claude }] }
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(CLIENT_KEY)} }]
`;
}

const setups = ADAPTER_SETUPS.filter((s) => (s.endpoints?.length ?? 0) > 0);

describe.each(setups.flatMap((setup) => LISTENERS.map((server) => [setup.name, server, setup] as const)))("relayed endpoints: %s (%s listener)", (_name, server, setup) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: OpenAI;
  let dir: string;
  let auditFile: string;

  beforeAll(async () => {
    setQuietLogs(true);
    dir = mkdtempSync(join(tmpdir(), "tollgate-relay-"));
    auditFile = join(dir, "audit.jsonl");
    mock = await startMockUpstream(setup.mockKey === undefined ? {} : { requireApiKey: setup.mockKey });
    gw = await startGateway({ plan: compileYaml(policy(setup, mock, auditFile)), port: 0, server, env: { UP_KEY: "unused", ...setup.env } });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Audit lines, read after the gateway closed (the log is buffered until then). */
  function auditLines(): AuditLine[] {
    return readFileSync(auditFile, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditLine);
  }

  it("embeddings: the upstream's vectors and usage, recorded as input tokens", async () => {
    const result = await client.embeddings.create({ model: "embed", input: ["alpha", "beta gamma"] });
    expect(result.data.map((d) => d.embedding)).toEqual([embed("alpha"), embed("beta gamma")]);
    expect(result.usage.prompt_tokens).toBe(4);
    expect(mock.requests.at(-1)!.body).toContain('"model":"text-embedding-3-small"');
  });

  it("transcriptions: a multipart upload relayed byte for byte, seconds of audio recorded", async () => {
    const audio = Buffer.alloc(40_000, 0xab);
    const result = await client.audio.transcriptions.create({ model: "stt", file: await toFile(audio, "speech.mp3", { type: "audio/mpeg" }) });
    expect(result.text).toBe(MOCK_TRANSCRIPT);
  });

  it("transcriptions with stream=true: the events relayed as they arrive, the final event's token usage recorded", async () => {
    const stream = await client.audio.transcriptions.create({
      model: "stt-stream",
      file: await toFile(Buffer.alloc(48_000, 0xab), "speech.mp3", { type: "audio/mpeg" }),
      stream: true,
    });
    const events: { type: string; delta?: string; text?: string; usage?: unknown }[] = [];
    for await (const event of stream) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "transcript.text.done", text: MOCK_TRANSCRIPT, usage: { type: "tokens", input_tokens: 30, output_tokens: 3 } });
    expect(
      events
        .slice(0, -1)
        .map((e) => e.delta)
        .join(""),
    ).toBe(MOCK_TRANSCRIPT);
  });

  it("transcriptions: an upload over maxAudioBytes gets 413", async () => {
    const err = await client.audio.transcriptions.create({ model: "stt", file: await toFile(Buffer.alloc(70_000), "long.mp3", { type: "audio/mpeg" }) }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
  });

  it("speech: audio bytes relayed as they arrive, characters of input recorded", async () => {
    const input = "Hello from the gateway.";
    const res = await client.audio.speech.create({ model: "tts", voice: "alloy", input });
    expect(res.headers.get("content-type")).toBe("audio/mpeg");
    expect(Buffer.from(await res.arrayBuffer()).equals(speechBytes(input.length))).toBe(true);
  });

  it("errors: a provider 429 on speech reaches the client as 429", async () => {
    const err = await client.audio.speech.create({ model: "tts-limited", voice: "alloy", input: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it("a model whose providers offer no such endpoint gets a clear 400", async () => {
    const err = await client.embeddings.create({ model: "claude-only", input: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/embeddings/);
  });

  it("records the usage units of each endpoint (audit log, after close)", async () => {
    await gw.close();
    const lines = auditLines();
    const last = (model: string): AuditLine | undefined => lines.filter((l) => l.requestedModel === model && l.status === 200).at(-1);
    expect(last("embed")).toMatchObject({ endpoint: "embeddings", usage: { inputTokens: 4, outputTokens: 0, source: "upstream" } });
    expect(last("stt")).toMatchObject({ endpoint: "audio_transcriptions", usage: { audioSeconds: 3 } });
    expect(last("tts")).toMatchObject({ endpoint: "audio_speech", usage: { inputCharacters: "Hello from the gateway.".length } });
    expect(last("stt-stream")).toMatchObject({ endpoint: "audio_transcriptions", stream: true, usage: { inputTokens: 30, outputTokens: 3 } });
  });
});
