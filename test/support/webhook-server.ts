/** A real loopback HTTP server that records JSON POSTs (alert webhooks, OTLP collectors). */
import { createServer, type Server } from "node:http";

export interface Recorder<T> {
  url: string;
  received: T[];
  headers: Record<string, string | string[] | undefined>[];
  /** Resolves once `predicate` holds for the received bodies (polls every 25 ms; rejects after `ms`). */
  until(predicate: (received: T[]) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRecorder<T = unknown>(path = "/hook", status = 200): Promise<Recorder<T>> {
  const received: T[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      if (req.method === "POST" && req.url === path) {
        received.push(JSON.parse(body) as T);
        headers.push(req.headers);
        res.writeHead(status, { "content-type": "application/json" }).end("{}");
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    headers,
    until: async (predicate, ms = 15_000) => {
      const deadline = Date.now() + ms;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; received: ${JSON.stringify(received).slice(0, 2000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
