/**
 * The listeners at the edge, against both servers, over raw sockets: every
 * request-smuggling, header-limit and pipelining probe of test/edge/edge-probes.ts
 * ends as its table says (node:http: a 400 or 431 and a close for each ambiguous or
 * oversized request; uWS: as measured and documented), and on both a scripted upstream
 * sees exactly one request per response the client got: nothing smuggled through,
 * nothing accepted and dropped.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { rawConversation, type RawConversation } from "../support/raw-http.js";
import { LISTENERS } from "../support/listeners.js";
import { PROBE_KEY, probes, type Outcome, type Probe } from "../edge/edge-probes.js";

/** uWS closes a connection that sends no complete request after 10 s (its fixed idle timeout). */
const UWS_IDLE_WAIT_MS = 14_000;

/** An OpenAI-compatible upstream that answers every chat request with its content and counts them by content. */
async function countingUpstream(): Promise<{ server: Server; port: number; seen: Map<string, number> }> {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let content = "?";
      try {
        content = (JSON.parse(Buffer.concat(chunks).toString()) as { messages: { content: string }[] }).messages[0]!.content;
      } catch {
        // counted as "?"
      }
      seen.set(content, (seen.get(content) ?? 0) + 1);
      const answer = {
        id: "x",
        object: "chat.completion",
        created: 1,
        model: "m",
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

function policy(port: number): string {
  return `apiVersion: tollgate/v1
providers:
  - { name: up, kind: openai-compatible, baseUrl: "http://127.0.0.1:${port}/v1" }
models:
  - { name: m, targets: [{ provider: up }] }
consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(PROBE_KEY)} }] }
`;
}

/** Upstream requests a probe caused: its own content and its smuggled copy. */
function upstreamCount(seen: Map<string, number>, probe: Probe): number {
  let n = 0;
  for (const [content, count] of seen) if (content === probe.id || content.startsWith(`${probe.id}-`)) n += count;
  return n;
}

/** How a conversation ended, in the table's terms. */
function observed(got: RawConversation): Outcome {
  if (got.statuses.length === 0) return got.ending === "closed" ? (got.ms >= 5000 ? "idle" : "closed") : "idle";
  if (got.statuses.length === 1 && got.statuses[0]! >= 400 && got.ending === "closed") return { status: got.statuses[0]!, close: true };
  return { served: got.statuses };
}

describe.each(LISTENERS)("edge probes (%s listener)", (server) => {
  let gw: Gateway;
  let up: Awaited<ReturnType<typeof countingUpstream>>;

  beforeAll(async () => {
    setQuietLogs(true);
    up = await countingUpstream();
    gw = await startGateway({ plan: compileYaml(policy(up.port)), port: 0, server });
  });

  afterAll(async () => {
    await gw?.close();
    up?.server.closeAllConnections();
    up?.server.close();
  });

  it("ends every smuggling, header and pipelining probe as its table says; the upstream sees one request per response", async () => {
    const all = probes();
    // All at once, each on its own connection: the probes that uWS holds until its idle timeout wait together.
    const results = await Promise.all(
      all.map((probe) => {
        const outcome = server === "uws" ? probe.uws : probe.node;
        const expectCount = typeof outcome === "object" && "served" in outcome ? outcome.served.length : undefined;
        return rawConversation(gw.port, probe.segments, {
          gapMs: probe.gapMs ?? 0,
          waitMs: server === "uws" ? UWS_IDLE_WAIT_MS : 5000,
          ...(expectCount === undefined ? {} : { expect: expectCount }),
        });
      }),
    );
    const table = all.map((probe, i) => {
      const got = results[i]!;
      const accepted = got.statuses.filter((s) => s === 200).length;
      const forwarded = probe.id.startsWith("head-") || probe.id === "pipelined-get" ? 0 : accepted;
      return { probe: probe.id, outcome: observed(got), oneUpstreamRequestPerResponse: upstreamCount(up.seen, probe) === forwarded };
    });
    const expected = all.map((probe) => ({
      probe: probe.id,
      outcome: server === "uws" ? probe.uws : probe.node,
      oneUpstreamRequestPerResponse: !(server === "uws" && probe.uwsForwardsUnanswered === true),
    }));
    expect(table).toEqual(expected);
  });

  it("answers pipelined requests in order (or refuses them with a close), never dropping one", async () => {
    const first = probes().find((p) => p.id === "pipelined")!;
    const got = await rawConversation(gw.port, first.segments, { gapMs: 0, waitMs: 5000, expect: 2 });
    if (got.statuses.length === 0) {
      expect(got.ending).toBe("closed");
      return;
    }
    expect(got.statuses).toEqual([200, 200]);
    const contents = got.bodies.map((b) => (JSON.parse(b) as { choices: { message: { content: string } }[] }).choices[0]!.message.content);
    expect(contents).toEqual(["pipelined-1", "pipelined-2"]);
  });

  it("keeps serving after every probe", async () => {
    const got = await rawConversation(gw.port, ["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"], { expect: 1 });
    expect(got.statuses).toEqual([200]);
  });
});
