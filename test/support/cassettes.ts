/**
 * Recorded OpenAI traffic (test/fixtures/conformance/openai-cassettes, go-vcr YAML) and a
 * replay upstream that answers every request with one cassette's recorded response
 * (status, content-type, body bytes), remembering what it was sent.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { parse } from "yaml";
import { CONFORMANCE } from "./repo-paths.js";

export interface Cassette {
  readonly name: string;
  readonly request: { readonly url: string; readonly body: string };
  readonly response: { readonly status: number; readonly contentType: string; readonly body: string };
}

interface RawInteraction {
  request: { url: string; body: string };
  response: { code: number; body: string; headers: Record<string, string[]> };
}

/** The first interaction of cassette `name` (file name without `.yaml`). */
export function loadCassette(name: string): Cassette {
  const doc = parse(readFileSync(resolve(CONFORMANCE, "openai-cassettes", `${name}.yaml`), "utf8")) as { interactions: RawInteraction[] };
  const i = doc.interactions[0]!;
  const type = Object.entries(i.response.headers).find(([k]) => k.toLowerCase() === "content-type")?.[1][0] ?? "application/json";
  return { name, request: { url: i.request.url, body: i.request.body }, response: { status: i.response.code, contentType: type, body: i.response.body } };
}

/** What the replay upstream received. */
export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface ReplayUpstream {
  readonly url: string;
  readonly received: Received[];
  /** The cassette answered next. */
  play(cassette: Cassette): void;
  close(): Promise<void>;
}

export async function startReplayUpstream(): Promise<ReplayUpstream> {
  let current: Cassette | null = null;
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (current === null) {
        res.writeHead(500).end();
        return;
      }
      const body = Buffer.from(current.response.body);
      res.writeHead(current.response.status, { "content-type": current.response.contentType, "content-length": body.length });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    play: (c) => (current = c),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
