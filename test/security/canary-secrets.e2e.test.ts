/**
 * No secret of ours reaches anyone who should not see it. Canary credentials are planted
 * for every provider kind and every auth style (header keys of OpenAI, Azure, Anthropic,
 * Gemini and an OpenAI-compatible server; Bedrock's SigV4 access key, secret and session
 * token; Vertex's OAuth token), plus the admin token and an exporter header. A hostile
 * upstream quotes every credential it receives back in its errors, exactly and masked,
 * in each protocol's shape, before and in the middle of streams, and in a 2xx answer.
 * Then every output is searched for every canary (its exact value, the start of its
 * random part, its tail): each client response (status line, headers, body) on both
 * listeners, streamed or not, chat, /v1/messages and embeddings; every log line; the
 * audit log; /metrics on both ports; the admin endpoints; every trace export; and the
 * CLI's output for check, compile and explain.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENERS } from "../support/listeners.js";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { startHostileUpstream, type HostileUpstream } from "../support/hostile-upstream.js";
import { startRecorder, type Recorder } from "../support/webhook-server.js";
import { CLI } from "../support/spawn-cli.js";
import { REPO_ROOT } from "../support/repo-paths.js";

const rnd = (n: number, alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"): string =>
  Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("");

/** One canary per credential the gateway holds, shaped like the real thing. */
const CANARIES = {
  CANARY_OPENAI: `sk-proj-${rnd(48)}`,
  CANARY_AZURE: rnd(32, "0123456789abcdef"),
  CANARY_ANTHROPIC: `sk-ant-api03-${rnd(86)}-${rnd(6)}AA`,
  CANARY_GEMINI: `AIza${rnd(35)}`,
  CANARY_COMPAT: `tok_${rnd(40)}`,
  CANARY_AKID: `AKIA${rnd(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
  CANARY_AWS_SECRET: `${rnd(20)}/${rnd(19)}`,
  CANARY_AWS_TOKEN: `IQoJb3JpZ2luX2Vj${rnd(120)}`,
  CANARY_VERTEX: `ya29.a0${rnd(120)}`,
  CANARY_ADMIN: `adm_${rnd(32)}`,
  CANARY_OTEL: `otel_${rnd(32)}`,
} as const;

const CLIENT_KEY = "sk-tg-canary-client";

/** The forms of a canary that must never appear: exact, the start of its random part, its last 8 characters. */
function forms(secret: string): string[] {
  const lead = secret.slice(0, 16);
  const at = Math.max(lead.lastIndexOf("-"), lead.lastIndexOf("_"), lead.lastIndexOf(".")) + 1;
  return [secret, secret.slice(at, at + 10), secret.slice(-8)];
}

const MODELS = ["openai", "azure", "anthropic", "gemini", "compat", "bedrock", "vertex"] as const;
const EMBEDDERS = ["openai", "azure", "gemini", "compat", "bedrock", "vertex"] as const;

function policy(url: string, collector: string, audit: string): string {
  return `apiVersion: tollgate/v1
listener:
  metrics: true
  admin: { port: 0, token: env:CANARY_ADMIN }
  audit: { sink: file, path: ${JSON.stringify(audit)}, content: hash }
  traces: { endpoint: ${collector}, serviceName: canary, sampleRatio: 1, headers: { x-collector-key: env:CANARY_OTEL } }
providers:
  - { name: openai, kind: openai, baseUrl: ${url}/v1, apiKeys: [env:CANARY_OPENAI] }
  - { name: azure, kind: azure-openai, baseUrl: ${url}, apiKeys: [env:CANARY_AZURE], azure: { apiVersion: "2024-10-21" } }
  - { name: anthropic, kind: anthropic, baseUrl: ${url}/v1, apiKeys: [env:CANARY_ANTHROPIC] }
  - { name: gemini, kind: gemini, baseUrl: ${url}/v1beta, apiKeys: [env:CANARY_GEMINI] }
  - { name: compat, kind: openai-compatible, baseUrl: ${url}/v1, apiKeys: [env:CANARY_COMPAT] }
  - name: bedrock
    kind: bedrock
    baseUrl: ${url}
    bedrock: { region: us-east-1, accessKeyId: env:CANARY_AKID, secretAccessKey: env:CANARY_AWS_SECRET, sessionToken: env:CANARY_AWS_TOKEN }
  - { name: vertex, kind: vertex, baseUrl: ${url}/v1, vertex: { project: canary, location: us-central1, accessToken: env:CANARY_VERTEX } }
models:
${MODELS.map((m) => `  - { name: ${m}, targets: [{ provider: ${m}, model: m-${m} }] }`).join("\n")}
${EMBEDDERS.map((m) => `  - { name: embed-${m}, targets: [{ provider: ${m}, model: e-${m} }] }`).join("\n")}
  - { name: compat-midstream, targets: [{ provider: compat, model: midstream }] }
  - { name: anthropic-midstream, targets: [{ provider: anthropic, model: midstream }] }
  - { name: compat-echo, targets: [{ provider: compat, model: echo-key }] }
  - { name: azure-echo, targets: [{ provider: azure, model: echo-key }] }
consumers:
  - { name: canary, keys: [{ sha256: ${sha256Hex(CLIENT_KEY)} }] }
`;
}

/** Every output, labelled, for the search and its count. */
const outputs: { where: string; text: string }[] = [];

function leaksIn(text: string): string[] {
  const found: string[] = [];
  for (const [name, secret] of Object.entries(CANARIES)) for (const f of forms(secret)) if (text.includes(f)) found.push(`${name} (${f === secret ? "exact" : f})`);
  return found;
}

let upstream: HostileUpstream;
let collector: Recorder<unknown>;
let dir: string;
let auditFile: string;
const logLines: string[] = [];
const realWrite = process.stderr.write.bind(process.stderr);

beforeAll(async () => {
  setQuietLogs(false);
  process.stderr.write = ((chunk: string | Uint8Array) => (logLines.push(String(chunk)), true)) as typeof process.stderr.write;
  upstream = await startHostileUpstream();
  collector = await startRecorder("/v1/traces");
  dir = mkdtempSync(join(tmpdir(), "tollgate-canary-"));
  auditFile = join(dir, "audit.jsonl");
});

afterAll(async () => {
  process.stderr.write = realWrite;
  setQuietLogs(true);
  await upstream?.close();
  await collector?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe.each(LISTENERS)("canary credentials (%s listener)", (server) => {
  let gw: Gateway;

  beforeAll(async () => {
    gw = await startGateway({ plan: compileYaml(policy(upstream.url, collector.url, auditFile)), port: 0, server, env: { ...CANARIES } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  /** One client request, recorded whole: status, every header, the body. */
  async function call(path: string, body: object, headers: Record<string, string> = { authorization: `Bearer ${CLIENT_KEY}` }): Promise<string> {
    const res = await request(`${gw.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    const text = `${res.statusCode}\n${JSON.stringify(res.headers)}\n${await res.body.text()}`;
    outputs.push({ where: `${server} POST ${path} ${JSON.stringify(body).slice(0, 80)}`, text });
    return text;
  }

  it("the hostile upstream really received every provider credential", async () => {
    for (const model of MODELS) await call("/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }] });
    for (const c of ["CANARY_OPENAI", "CANARY_AZURE", "CANARY_ANTHROPIC", "CANARY_GEMINI", "CANARY_COMPAT", "CANARY_AWS_TOKEN", "CANARY_VERTEX"] as const)
      expect(
        [...upstream.received].some((r) => r.includes(CANARIES[c])),
        c,
      ).toBe(true);
    expect(
      [...upstream.received].some((r) => r.includes(CANARIES.CANARY_AKID)),
      "SigV4 access key id",
    ).toBe(true);
  });

  it("chat, streamed and not, every provider, mid-stream errors and echoing answers: no canary in any response", async () => {
    const chatModels = [...MODELS, "compat-midstream", "anthropic-midstream", "compat-echo", "azure-echo"];
    for (const model of chatModels) {
      for (const stream of [false, true]) {
        const text = await call("/v1/chat/completions", { model, stream, messages: [{ role: "user", content: "hi" }] });
        expect(leaksIn(text), `${model} stream=${stream}: ${text.slice(0, 400)}`).toEqual([]);
      }
    }
  });

  it("/v1/messages, streamed and not: no canary", async () => {
    for (const model of [...MODELS, "compat-midstream", "anthropic-midstream", "compat-echo"]) {
      for (const stream of [false, true]) {
        const text = await call("/v1/messages", { model, stream, max_tokens: 16, messages: [{ role: "user", content: "hi" }] }, { "x-api-key": CLIENT_KEY });
        expect(text.startsWith("401"), text.slice(0, 200)).toBe(false);
        expect(leaksIn(text), `${model} stream=${stream}: ${text.slice(0, 400)}`).toEqual([]);
      }
    }
  });

  it("/v1/responses, streamed and not: no canary", async () => {
    for (const model of [...MODELS, "compat-midstream", "anthropic-midstream", "compat-echo", "azure-echo"]) {
      for (const stream of [false, true]) {
        const text = await call("/v1/responses", { model, stream, input: "hi" });
        expect(text.startsWith("401"), text.slice(0, 200)).toBe(false);
        expect(leaksIn(text), `${model} stream=${stream}: ${text.slice(0, 400)}`).toEqual([]);
      }
    }
  });

  it("embeddings: no canary", async () => {
    for (const model of EMBEDDERS) {
      const text = await call("/v1/embeddings", { model: `embed-${model}`, input: "hello" });
      expect(leaksIn(text), `${model}: ${text.slice(0, 400)}`).toEqual([]);
    }
  });

  it("/metrics on both ports and every admin endpoint: no canary", async () => {
    const get = async (url: string, token: string | null): Promise<void> => {
      const res = await request(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
      const text = `${res.statusCode}\n${JSON.stringify(res.headers)}\n${await res.body.text()}`;
      outputs.push({ where: `${server} GET ${url}`, text });
      expect(leaksIn(text), url).toEqual([]);
    };
    await get(`${gw.url}/metrics`, null);
    for (const path of ["/metrics", "/admin/plan", "/admin/alerts", "/admin/dashboard/data", "/admin/usage", "/admin/dashboard"])
      await get(`${gw.adminUrl}${path}`, CANARIES.CANARY_ADMIN);
    // A wrong admin token's refusal must not echo the right one.
    await get(`${gw.adminUrl}/admin/plan`, `${CANARIES.CANARY_ADMIN.slice(0, -2)}xx`);
  });
});

describe("after both listeners", () => {
  it("the audit log, every log line and every trace export hold no canary", async () => {
    await collector.until((r) => r.length > 0).catch(() => undefined);
    expect(existsSync(auditFile)).toBe(true);
    const audit = readFileSync(auditFile, "utf8").split("\n").filter(Boolean);
    expect(audit.length).toBeGreaterThan(0);
    for (const line of audit) outputs.push({ where: "audit line", text: line });
    for (const line of logLines) outputs.push({ where: "log line", text: line });
    for (const [i, payload] of collector.received.entries()) outputs.push({ where: `trace export ${i}`, text: JSON.stringify(payload) });
    for (const h of collector.headers)
      outputs.push({ where: "trace export headers (bar the collector key it must carry)", text: JSON.stringify({ ...h, "x-collector-key": undefined }) });
    expect(collector.received.length).toBeGreaterThan(0);
    for (const o of outputs) expect(leaksIn(o.text), o.where).toEqual([]);
  });

  it("the CLI's output (check, compile, explain) holds no canary", () => {
    const policyFile = join(dir, "policy.yaml");
    writeFileSync(policyFile, policy(upstream.url, collector.url, auditFile));
    const planFile = join(dir, "plan.json");
    for (const args of [
      ["check", policyFile],
      ["compile", policyFile, "-o", planFile],
      ["explain", policyFile, "--model", "openai"],
    ]) {
      const run = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...CANARIES, NO_COLOR: "1" }, encoding: "utf8" });
      outputs.push({ where: `tollgate ${args[0]}`, text: `${run.stdout}\n${run.stderr}` });
      expect(leaksIn(`${run.stdout}\n${run.stderr}`), `tollgate ${args.join(" ")}`).toEqual([]);
    }
    outputs.push({ where: "plan.json", text: readFileSync(planFile, "utf8") });
    expect(leaksIn(readFileSync(planFile, "utf8"))).toEqual([]);
    // The count the issue asks for: every output searched.
    process.stdout.write(`canary test: ${outputs.length} outputs scanned for ${Object.keys(CANARIES).length} canaries\n`);
    expect(outputs.length).toBeGreaterThan(150);
    // The scrubber was exercised, not bypassed: upstream words reached clients with the secrets cut out.
    expect(outputs.filter((o) => o.text.includes("[REDACTED]")).length).toBeGreaterThan(40);
  });
});
