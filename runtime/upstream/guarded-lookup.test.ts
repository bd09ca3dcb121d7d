/**
 * Connect-time address checks of upstream pools, with a stub resolver (never real DNS,
 * never traffic beyond loopback): a name resolving to a forbidden address is refused
 * before any connection, origins written as forbidden literals fail the link, and a
 * redirect is answered as a status, never followed.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { LookupAddress } from "node:dns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "undici";
import type { PlanUpstream } from "../../schemas/plan/plan.js";
import { createUpstreamPool } from "./pool.js";
import type { Resolver } from "./guarded-lookup.js";

/** A stub resolver: every name resolves to the addresses given for it. */
function stubResolver(table: Record<string, string[]>): Resolver {
  return (hostname, _options, callback) => {
    const addresses = table[hostname];
    if (addresses === undefined) return callback(Object.assign(new Error(`stub: ${hostname} unknown`), { code: "ENOTFOUND" }), []);
    callback(
      null,
      addresses.map((address): LookupAddress => ({ address, family: address.includes(":") ? 6 : 4 })),
    );
  };
}

function upstream(origin: string, network: PlanUpstream["network"]): PlanUpstream {
  return {
    name: "test",
    adapter: "openai-compatible",
    options: { adapter: "openai-compatible" } as PlanUpstream["options"],
    origin,
    basePath: "/v1",
    network,
    apiKeys: [],
    optional: false,
    timeouts: { connectMs: 2000, firstByteMs: 2000, idleMs: 2000, totalMs: 5000 },
    connections: 1,
  };
}

/** One GET through the pool: its status, or the error code. */
async function get(pool: Pool, path = "/v1/models"): Promise<number | string> {
  try {
    const res = await pool.request({ method: "GET", path });
    await res.body.text();
    return res.statusCode;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  }
}

describe("upstream address guard", () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  let redirectTarget: Server;
  let targetHits = 0;

  beforeAll(async () => {
    redirectTarget = createServer((_req, res) => {
      targetHits++;
      res.end("{}");
    });
    await new Promise<void>((r) => redirectTarget.listen(0, "127.0.0.1", r));
    const targetPort = (redirectTarget.address() as AddressInfo).port;
    server = createServer((req, res) => {
      hits++;
      if (req.url === "/v1/redirect") {
        res.writeHead(302, { location: `http://127.0.0.1:${targetPort}/v1/models` });
        return res.end();
      }
      res.end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await new Promise((r) => redirectTarget.close(r));
  });

  it("refuses a public name that resolves to loopback, a metadata or a private address, before connecting", async () => {
    const resolve = stubResolver({
      "api.example.com": ["127.0.0.1"],
      "meta.example.com": ["169.254.169.254"],
      "mixed.example.com": ["93.184.216.34", "10.0.0.5"],
      "mapped.example.com": ["::ffff:169.254.169.254"],
    });
    const before = hits;
    for (const host of ["api.example.com", "meta.example.com", "mixed.example.com", "mapped.example.com"]) {
      const pool = createUpstreamPool(upstream(`http://${host}:${port}`, "public"), resolve);
      expect(await get(pool), host).toBe("ETOLLGATEFORBIDDEN");
      await pool.close();
    }
    expect(hits).toBe(before);
  });

  it("lets a loopback upstream reach loopback, and a private one private addresses, never metadata", async () => {
    const resolve = stubResolver({ "sidecar.test": ["127.0.0.1"], "meta.test": ["169.254.169.254"] });
    const before = hits;
    const loopback = createUpstreamPool(upstream(`http://sidecar.test:${port}`, "loopback"), resolve);
    expect(await get(loopback)).toBe(200);
    await loopback.close();
    const meta = createUpstreamPool(upstream(`http://meta.test:${port}`, "private"), resolve);
    expect(await get(meta)).toBe("ETOLLGATEFORBIDDEN");
    await meta.close();
    expect(hits).toBe(before + 1);
  });

  it("fails the link of an origin written as a forbidden literal", () => {
    expect(() => createUpstreamPool(upstream("http://169.254.169.254", "private"))).toThrow(/metadata/);
    expect(() => createUpstreamPool(upstream("http://10.0.0.7:8000", "public"))).toThrow(/private/);
    expect(() => createUpstreamPool(upstream("http://[::ffff:a9fe:a9fe]", "private"))).toThrow(/metadata/);
    expect(() => createUpstreamPool(upstream("http://127.0.0.1:8000", "public"))).toThrow(/loopback/);
  });

  it("never follows a redirect: the 3xx is the answer, the target sees nothing", async () => {
    const pool = createUpstreamPool(upstream(`http://127.0.0.1:${port}`, "loopback"));
    expect(await get(pool, "/v1/redirect")).toBe(302);
    expect(targetHits).toBe(0);
    await pool.close();
  });
});
