/**
 * TLS, against both listeners: the client listener serves HTTPS with the certificate
 * the policy names and picks up a renewed certificate without a restart; upstreams are
 * verified against the policy's CA (and server name), and one that fails verification
 * is a connect failure that falls back. Certificates are made in the test with the
 * openssl CLI (test/support/test-tls.ts); the HTTPS upstream is the real mock behind a
 * TLS-terminating proxy.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { createServer as createTlsServer, connect as tlsConnect, type Server as TlsServer } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { makeServerCert, makeTestCa, type TestCa, type TestServerCert } from "../support/test-tls.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-tls-test";

function policy(mockPort: number, securePort: number, dir: string): string {
  return `apiVersion: tollgate/v1
listener:
  tls: { cert: ${join(dir, "listener.crt")}, key: ${join(dir, "listener.key")} }
providers:
  - name: plain
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
  - name: secure
    kind: openai-compatible
    baseUrl: https://127.0.0.1:${securePort}/v1
    tls: { ca: ${join(dir, "Tollgate-Test-CA.crt")}, serverName: upstream.test }
  - name: system-store
    kind: openai-compatible
    baseUrl: https://127.0.0.1:${securePort}/v1
    tls: {}
    timeouts: { connect: 2s }
models:
  - name: secure
    targets: [{ provider: secure, model: echo }]
  - name: untrusted
    targets: [{ provider: system-store, model: echo }]
    fallbacks: [{ provider: plain, model: echo }]
  - name: untrusted-only
    targets: [{ provider: system-store, model: echo }]
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
}

/** The serial number of the certificate a fresh TLS connection is shown. */
function servedSerial(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      const serial = socket.getPeerCertificate().serialNumber.toUpperCase();
      socket.destroy();
      resolve(serial);
    });
    socket.once("error", reject);
  });
}

describe.each(LISTENERS)("TLS (%s listener)", (server) => {
  let dir: string;
  let ca: TestCa;
  let first: TestServerCert;
  let mock: MockUpstream;
  let proxy: TlsServer;
  let gw: Gateway;
  let agent: Agent;

  beforeAll(async () => {
    setQuietLogs(true);
    dir = mkdtempSync(join(tmpdir(), "tollgate-tls-"));
    ca = makeTestCa(dir);
    first = makeServerCert(ca, "first");
    copyFileSync(first.cert, join(dir, "listener.crt"));
    copyFileSync(first.key, join(dir, "listener.key"));
    const upstreamCert = makeServerCert(ca, "upstream", ["upstream.test"]);
    mock = await startMockUpstream({ port: 0 });
    // The real mock behind TLS: a terminating proxy with a certificate for upstream.test.
    const { readFileSync } = await import("node:fs");
    proxy = createTlsServer({ cert: readFileSync(upstreamCert.cert), key: readFileSync(upstreamCert.key) }, (socket) => {
      const backend = netConnect(mock.port, "127.0.0.1");
      socket.pipe(backend).pipe(socket);
      const end = (): void => {
        socket.destroy();
        backend.destroy();
      };
      socket.on("error", end);
      backend.on("error", end);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const proxyPort = (proxy.address() as { port: number }).port;
    gw = await startGateway({ plan: compileYaml(policy(mock.port, proxyPort, dir)), port: 0, server, env: {} });
    agent = new Agent({ connect: { ca: ca.caPem, servername: "localhost" } });
  });

  afterAll(async () => {
    await gw?.close();
    await agent?.close();
    proxy?.close();
    await mock?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const chat = async (model: string) => {
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> };
  };

  it("serves HTTPS with the policy's certificate, to the official client trusting the test CA", async () => {
    expect(gw.url).toMatch(/^https:\/\//);
    expect(await servedSerial(gw.port, ca.caPem)).toBe(first.serial);
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, fetchOptions: { dispatcher: agent } as never });
    const completion = await client.chat.completions.create({ model: "secure", messages: [{ role: "user", content: "hello over TLS" }] });
    expect(completion.object).toBe("chat.completion");
  });

  it("refuses plain HTTP on the TLS port", async () => {
    await expect(request(gw.url.replace("https:", "http:") + "/healthz", { headersTimeout: 3000, bodyTimeout: 3000 }).then((r) => r.body.text())).rejects.toThrow();
  });

  it("verifies the upstream against the policy's CA and server name", async () => {
    const res = await chat("secure");
    expect(res.status).toBe(200);
    expect(res.headers["x-tollgate-attempts"]).toBe("1");
  });

  it("treats an upstream certificate that does not verify as a connect failure: fallback, else 502", async () => {
    const fallback = await chat("untrusted");
    expect(fallback.status).toBe(200);
    expect(fallback.headers["x-tollgate-attempts"]).toBe("2");
    const refused = await chat("untrusted-only");
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ error: { type: "server_error" } });
    expect(JSON.stringify(refused.body)).not.toMatch(/BEGIN|PRIVATE/);
  });

  it("picks up a renewed certificate without a restart; open connections keep working", async () => {
    const renewed = makeServerCert(ca, `renewed-${server}`);
    expect(renewed.serial).not.toBe(first.serial);
    copyFileSync(renewed.key, join(dir, "listener.key"));
    copyFileSync(renewed.cert, join(dir, "listener.crt"));
    let serial = "";
    for (let i = 0; i < 100 && serial !== renewed.serial; i++) {
      await sleep(50);
      serial = await servedSerial(gw.port, ca.caPem);
    }
    expect(serial).toBe(renewed.serial);
    expect((await chat("secure")).status).toBe(200);
  });
});
