/**
 * Recorded provider traffic (test/fixtures/recorded/, provenance in its PROVENANCE.md)
 * and a replay upstream that answers each request with the next queued recording:
 * status, headers and the recorded body bytes, exactly (`.hex` files hold binary
 * bodies, such as Bedrock's event-stream frames). Every protocol the gateway speaks
 * can point at it: only the answer matters, whatever the path.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const RECORDED = fileURLToPath(new URL("../fixtures/recorded", import.meta.url));

/** The bytes of recording `name` (a path under test/fixtures/recorded/); `.hex` files are decoded. */
export function recorded(name: string): Buffer {
  const raw = readFileSync(resolve(RECORDED, name));
  return name.endsWith(".hex") ? Buffer.from(raw.toString("latin1").trim(), "hex") : raw;
}

/** One answer of the replay upstream. */
export interface Replayed {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: Buffer | string;
}

const TYPES: Readonly<Record<string, string>> = { sse: "text/event-stream", hex: "application/vnd.amazon.eventstream", json: "application/json" };

/** A recording as an answer: its status, the content type its extension implies, and extra headers. */
export function answer(name: string, status = 200, headers: Readonly<Record<string, string>> = {}): Replayed {
  const type = TYPES[name.slice(name.lastIndexOf(".") + 1)] ?? "application/octet-stream";
  return { status, headers: { "content-type": type, ...headers }, body: recorded(name) };
}

/** What the replay upstream was sent. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface ReplayUpstream {
  readonly url: string;
  readonly received: Received[];
  /** Answers the next requests with these, in order (a fallback's second attempt gets the second). */
  play(...answers: Replayed[]): void;
  close(): Promise<void>;
}

export async function startRecordedReplay(): Promise<ReplayUpstream> {
  let queue: Replayed[] = [];
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      const next = queue.shift();
      if (next === undefined) {
        res.writeHead(599, { "content-type": "text/plain" }).end("nothing queued");
        return;
      }
      const body = typeof next.body === "string" ? Buffer.from(next.body) : next.body;
      res.writeHead(next.status, { ...next.headers, "content-length": String(body.length) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    play: (...answers) => void (queue = [...answers]),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
