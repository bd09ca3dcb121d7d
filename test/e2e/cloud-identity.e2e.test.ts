/**
 * Cloud identities as the clouds issue them (issue #17), each against a local fake of its
 * token endpoint, pointed at by the overrides the clouds' own libraries honour (never a
 * real cloud): Bedrock through the AWS SDK's providers (environment, shared profile, web
 * identity/IRSA via `AWS_ENDPOINT_URL_STS`, the container endpoint of ECS and EKS Pod
 * Identity, EC2 instance metadata via `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the default
 * chain), Vertex through Google's auth library (workload identity federation's
 * `token_url`, the metadata server via `GCE_METADATA_HOST`, Application Default
 * Credentials), Azure OpenAI through Azure's identity library (managed identity via
 * `IDENTITY_ENDPOINT`, client secret and workload identity at a local HTTPS authority).
 *
 * The fakes issue short-lived tokens (2 s), so each test also sees the refresh before
 * expiry (no request waiting), a request served while refreshes fail and the token in
 * hand is still valid, the auth failure once it has expired, and the recovery.
 */
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { makeServerCert, makeTestCa } from "../support/test-tls.js";

const KEY = "sk-tg-identity";
const LIFE_S = 2;
const dir = mkdtempSync(join(tmpdir(), "tollgate-identity-"));

/** One fake token endpoint: how often it was asked, whether it fails, the tokens it issued. */
class Issuer {
  hits = 0;
  fail = false;
  constructor(readonly prefix: string) {}
  next(): string {
    this.hits++;
    return `${this.prefix}${this.hits}`;
  }
}

const issuers = {
  sts: new Issuer("AKIDWEB"),
  pod: new Issuer("AKIDPOD"),
  imds: new Issuer("AKIDEC2"),
  wif: new Issuer("ya29.wif."),
  gce: new Issuer("ya29.gce."),
  msi: new Issuer("entra.msi."),
  entra: new Issuer("entra.app."),
};

function expiresIso(): string {
  return new Date(Date.now() + LIFE_S * 1000).toISOString();
}

function json(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** The fake cloud endpoints (HTTP), by path. */
function cloud(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = req.url ?? "";
  const fail = (i: Issuer): boolean => {
    if (!i.fail) return false;
    json(res, { error: "temporarily_unavailable" }, 503);
    return true;
  };
  if (url.startsWith("/sts")) {
    if (fail(issuers.sts)) return;
    if (!body.includes("Action=AssumeRoleWithWebIdentity") || !body.includes("WebIdentityToken=web-identity-jwt")) return json(res, {}, 400);
    res.writeHead(200, { "content-type": "text/xml" });
    return void res.end(
      `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>${issuers.sts.next()}</AccessKeyId><SecretAccessKey>web-secret</SecretAccessKey><SessionToken>web-session</SessionToken><Expiration>${expiresIso()}</Expiration></Credentials></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
    );
  }
  if (url === "/v1/credentials") {
    if (fail(issuers.pod)) return;
    if (req.headers.authorization !== "pod-identity-token") return json(res, {}, 401);
    return json(res, { AccessKeyId: issuers.pod.next(), SecretAccessKey: "pod-secret", Token: "pod-session", Expiration: expiresIso() });
  }
  if (url === "/latest/api/token" && req.method === "PUT") return void res.writeHead(200).end("imds-session");
  if (url.startsWith("/latest/meta-data/iam/security-credentials/")) {
    if (req.headers["x-aws-ec2-metadata-token"] !== "imds-session") return json(res, {}, 401);
    if (url.endsWith("/")) return void res.writeHead(200).end("gateway-role");
    if (fail(issuers.imds)) return;
    return json(res, {
      Code: "Success",
      Type: "AWS-HMAC",
      AccessKeyId: issuers.imds.next(),
      SecretAccessKey: "ec2-secret",
      Token: "ec2-session",
      Expiration: expiresIso(),
      LastUpdated: new Date().toISOString(),
    });
  }
  if (url === "/google-sts") {
    if (fail(issuers.wif)) return;
    if (!body.includes("subject_token=google-subject-jwt")) return json(res, {}, 400);
    return json(res, { access_token: issuers.wif.next(), issued_token_type: "urn:ietf:params:oauth:token-type:access_token", token_type: "Bearer", expires_in: LIFE_S });
  }
  if (url.startsWith("/computeMetadata/v1/instance/service-accounts/default/token")) {
    if (req.headers["metadata-flavor"] !== "Google") return json(res, {}, 403);
    if (fail(issuers.gce)) return;
    res.setHeader("metadata-flavor", "Google");
    return json(res, { access_token: issuers.gce.next(), expires_in: LIFE_S, token_type: "Bearer" });
  }
  if (url.startsWith("/msi")) {
    if (req.headers["x-identity-header"] !== "msi-secret") return json(res, {}, 401);
    if (fail(issuers.msi)) return;
    return json(res, {
      access_token: issuers.msi.next(),
      expires_on: String(Math.floor(Date.now() / 1000) + LIFE_S),
      resource: "https://cognitiveservices.azure.com",
      token_type: "Bearer",
    });
  }
  json(res, {}, 404);
}

describe("cloud identities against local fakes of their token endpoints", () => {
  let http: ReturnType<typeof createHttp>;
  let https: ReturnType<typeof createHttps>;
  let base: string;
  let authority: string;
  let mock: MockUpstream;
  let gw: Gateway | null = null;
  const saved = { ...process.env };

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream();
    http = createHttp((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => cloud(req, res, decodeURIComponent(body)));
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const ca = makeTestCa(dir);
    const cert = makeServerCert(ca, "authority");
    https = createHttps({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, (req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const host = `https://localhost:${(https.address() as AddressInfo).port}`;
        if (req.url?.endsWith("/.well-known/openid-configuration")) {
          return json(res, {
            token_endpoint: `${host}/tenant-1/oauth2/v2.0/token`,
            issuer: `${host}/tenant-1/v2.0`,
            authorization_endpoint: `${host}/tenant-1/oauth2/v2.0/authorize`,
            jwks_uri: `${host}/keys`,
          });
        }
        if (req.url?.startsWith("/tenant-1/oauth2/v2.0/token") === true) {
          const form = new URLSearchParams(body);
          const ok = form.get("client_id") === "app-1" && (form.get("client_secret") === "app-secret" || form.get("client_assertion") === "aks-federated-jwt");
          if (!ok) return json(res, { error: "invalid_client" }, 401);
          // Unreachable rather than a 5xx: MSAL throttles a client for a minute after a 5xx.
          if (issuers.entra.fail) return void req.socket.destroy();
          return json(res, {
            token_type: "Bearer",
            scope: "https://cognitiveservices.azure.com/.default",
            expires_in: LIFE_S,
            ext_expires_in: LIFE_S,
            access_token: issuers.entra.next(),
          });
        }
        json(res, {}, 404);
      });
    });
    await new Promise<void>((r) => https.listen(0, "127.0.0.1", r));
    authority = `https://localhost:${(https.address() as AddressInfo).port}`;
    for (const [name, text] of Object.entries({
      "web-token": "web-identity-jwt",
      "pod-token": "pod-identity-token",
      "google-subject": "google-subject-jwt",
      "aks-token": "aks-federated-jwt",
    })) {
      writeFileSync(join(dir, name), text);
    }
    writeFileSync(
      join(dir, "wif.json"),
      JSON.stringify({
        type: "external_account",
        audience: "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/tollgate",
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        token_url: `${base}/google-sts`,
        credential_source: { file: join(dir, "google-subject") },
      }),
    );
    writeFileSync(join(dir, "credentials"), "[tollgate]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n");
    writeFileSync(join(dir, "config"), "[profile tollgate]\nregion = us-east-1\n");
  });
  afterEach(async () => {
    await gw?.close();
    gw = null;
    process.env = { ...saved };
    for (const i of Object.values(issuers)) i.fail = false;
  });
  afterAll(async () => {
    await mock?.close();
    http?.close();
    https?.close();
  });

  /** Starts a gateway whose one provider is `provider` (YAML, named `up`) serving model `m`. */
  async function gateway(provider: string, env: Record<string, string> = {}): Promise<OpenAI> {
    Object.assign(process.env, env);
    const policy = `apiVersion: tollgate/v1
providers:
${provider}models:
  - { name: m, targets: [{ provider: up, model: "dep+tokens=2" }] }
consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(KEY)} }] }
`;
    gw = await startGateway({ plan: compileYaml(policy), port: 0, server: "node", env: process.env });
    return new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0 });
  }

  /** What authenticated the last request the mock saw: a SigV4 access key id, or a bearer token. */
  function lastCredential(): string {
    const auth = String(mock.requests.at(-1)!.headers.authorization ?? "");
    return /Credential=([^/]+)\//.exec(auth)?.[1] ?? auth.replace(/^Bearer /, "");
  }

  const ask = (client: OpenAI) => client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(check()).toBe(true);
  }

  /**
   * The life of a short-lived credential: fetched before serving; refreshed ahead of expiry
   * in the background; while refreshes fail, requests keep the valid token; once it expired
   * they fail as the gateway's auth failure; then the endpoint recovers.
   */
  async function lifecycle(client: OpenAI, issuer: Issuer): Promise<void> {
    const first = issuer.hits;
    expect(first).toBeGreaterThanOrEqual(1);
    await ask(client);
    expect(lastCredential()).toBe(`${issuer.prefix}${issuer.hits}`);
    await until(() => issuer.hits > first);
    const refreshed = `${issuer.prefix}${issuer.hits}`;
    issuer.fail = true;
    await ask(client);
    expect(lastCredential()).toBe(refreshed);
    await new Promise((r) => setTimeout(r, LIFE_S * 1000 + 300));
    const err = await ask(client).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: "upstream_auth_failed" });
    issuer.fail = false;
    await ask(client);
    expect(lastCredential()).toBe(`${issuer.prefix}${issuer.hits}`);
  }

  const bedrock = (credentials: string, extra = "") =>
    `  - { name: up, kind: bedrock, baseUrl: "${mock.url.replace(/\/v1$/, "")}", bedrock: { region: us-east-1, credentials: ${credentials}${extra} } }\n`;
  const vertex = (credentials: string, extra = "") =>
    `  - { name: up, kind: vertex, baseUrl: "${mock.url}", vertex: { project: tollgate-test, location: us-central1, credentials: ${credentials}${extra} } }\n`;
  const azure = (auth: string, extra = "") =>
    `  - { name: up, kind: azure-openai, baseUrl: "${mock.url.replace(/\/v1$/, "")}", azure: { apiVersion: v1, auth: ${auth}${extra} } }\n`;

  describe("AWS (Bedrock, SigV4) through the AWS SDK's credential providers", () => {
    it("env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", async () => {
      const client = await gateway(bedrock("env"), { AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "env-secret" });
      await ask(client);
      expect(lastCredential()).toBe("AKIDENV");
    });

    it("profile: a named profile of the shared credentials file", async () => {
      const client = await gateway(bedrock("profile", ", profile: tollgate"), { AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWS_CONFIG_FILE: join(dir, "config") });
      await ask(client);
      expect(lastCredential()).toBe("AKIDPROFILE");
    });

    it("web-identity (IRSA): AssumeRoleWithWebIdentity at a fake STS, refreshed before expiry", async () => {
      const env = {
        AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, "web-token"),
        AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/tollgate",
        AWS_ENDPOINT_URL_STS: `${base}/sts`,
        AWS_REGION: "us-east-1",
      };
      await lifecycle(await gateway(bedrock("web-identity"), env), issuers.sts);
    });

    it("container (ECS task role, EKS Pod Identity): the credentials endpoint with its token file, refreshed before expiry", async () => {
      const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(dir, "pod-token") };
      await lifecycle(await gateway(bedrock("container"), env), issuers.pod);
    });

    it("instance: EC2 instance metadata (IMDSv2), refreshed before expiry", async () => {
      await lifecycle(await gateway(bedrock("instance"), { AWS_EC2_METADATA_SERVICE_ENDPOINT: base }), issuers.imds);
    });

    it("chain: the SDK's default chain finds the container endpoint", async () => {
      const env = { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${base}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(dir, "pod-token") };
      delete process.env["AWS_ACCESS_KEY_ID"];
      delete process.env["AWS_PROFILE"];
      const client = await gateway(bedrock("chain"), { ...env, AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"), AWS_CONFIG_FILE: join(dir, "none") });
      await ask(client);
      expect(lastCredential()).toBe(`AKIDPOD${issuers.pod.hits}`);
    });
  });

  describe("Google (Vertex AI) through Google's auth library", () => {
    it("workload-identity: the external-account JSON (a file: reference) exchanged at its token_url, refreshed before expiry", async () => {
      await lifecycle(await gateway(vertex("workload-identity", `, credentialsFile: "file:${join(dir, "wif.json")}"`)), issuers.wif);
    });

    it("metadata: the metadata server (GCE_METADATA_HOST), refreshed before expiry", async () => {
      await lifecycle(await gateway(vertex("metadata"), { GCE_METADATA_HOST: base.replace("http://", "") }), issuers.gce);
    });

    it("adc: Application Default Credentials from GOOGLE_APPLICATION_CREDENTIALS", async () => {
      const client = await gateway(vertex("adc"), { GOOGLE_APPLICATION_CREDENTIALS: join(dir, "wif.json") });
      await ask(client);
      expect(lastCredential()).toBe(`ya29.wif.${issuers.wif.hits}`);
    });
  });

  describe("Microsoft Entra ID (Azure OpenAI) through Azure's identity library", () => {
    it("managed-identity: the identity endpoint (IDENTITY_ENDPOINT), refreshed before expiry", async () => {
      await lifecycle(await gateway(azure("managed-identity"), { IDENTITY_ENDPOINT: `${base}/msi`, IDENTITY_HEADER: "msi-secret" }), issuers.msi);
    });

    it("client-secret: a service principal at the authority's token endpoint, the secret a reference, refreshed before expiry", async () => {
      // The fake authority's certificate is the test CA's.
      process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = "0";
      const client = await gateway(azure("client-secret", `, tenantId: tenant-1, clientId: app-1, clientSecret: env:ENTRA_SECRET, authorityHost: "${authority}"`), {
        ENTRA_SECRET: "app-secret",
      });
      await lifecycle(client, issuers.entra);
    });

    it("workload-identity: the AKS federated token file exchanged at the authority", async () => {
      process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = "0";
      const env = { AZURE_FEDERATED_TOKEN_FILE: join(dir, "aks-token"), AZURE_CLIENT_ID: "app-1", AZURE_TENANT_ID: "tenant-1" };
      const client = await gateway(azure("workload-identity", `, authorityHost: "${authority}"`), env);
      await ask(client);
      expect(lastCredential()).toBe(`entra.app.${issuers.entra.hits}`);
      expect(mock.requests.at(-1)!.headers["api-key"]).toBeUndefined();
    });
  });
});
