/**
 * A hostile upstream for the secret-leak tests: every provider protocol's error shape,
 * with the credential the gateway sent quoted back in the message (as real providers
 * and proxies do: "Incorrect API key provided: sk-…"), exactly and masked, in the
 * response's content type too. Model names script it:
 * - anything: a 400 in the protocol's error shape (the request's fault, so the message
 *   is the kind gateways pass on);
 * - `midstream`: a 200 stream with one token, then an error event quoting the key
 *   (OpenAI-compatible and Anthropic streams);
 * - `echo-key`: a 200 OpenAI-compatible answer whose content is the key.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";

export interface HostileUpstream {
  readonly url: string;
  /** The credentials received, by header (authorization, api-key, x-api-key, x-goog-api-key, x-amz-security-token, ?key=). */
  readonly received: Set<string>;
  close(): Promise<void>;
}

/** The credential values a request carried. */
function credentialsOf(req: IncomingMessage): string[] {
  const out: string[] = [];
  for (const name of ["authorization", "api-key", "x-api-key", "x-goog-api-key", "x-amz-security-token"]) {
    const v = req.headers[name];
    if (typeof v === "string") out.push(v.replace(/^Bearer /, ""));
  }
  const key = new URL(req.url ?? "/", "http://x").searchParams.get("key");
  if (key !== null) out.push(key);
  return out;
}

const mask = (v: string): string => `${v.slice(0, 3)}…${v.slice(-4)}`;

export async function startHostileUpstream(): Promise<HostileUpstream> {
  const received = new Set<string>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const creds = credentialsOf(req);
      for (const c of creds) received.add(c);
      const quoted = creds.map((c) => `${c} (${mask(c)})`).join("; ");
      const message = `Incorrect API key provided: ${quoted}`;
      const path = req.url ?? "";
      const wantsStream = /"stream"\s*:\s*true/.test(body) || path.includes("stream");
      const model = /"model"\s*:\s*"([^"]*)"/.exec(body)?.[1] ?? path;
      const type = `application/json; key=${creds[0] ?? ""}`;
      if (model.includes("echo-key")) {
        if (wantsStream) {
          res.writeHead(200, { "content-type": "text/event-stream" });
          const chunk = (content: string, finish: string | null): string =>
            `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
          res.end(chunk(`your key is ${creds[0]}`, null) + chunk("", "stop") + "data: [DONE]\n\n");
          return;
        }
        res.writeHead(200, { "content-type": type });
        res.end(
          JSON.stringify({
            id: "c",
            object: "chat.completion",
            created: 1,
            model,
            choices: [{ index: 0, message: { role: "assistant", content: `your key is ${creds[0]}` }, finish_reason: "stop" }],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
        return;
      }
      if (model.includes("midstream") && wantsStream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        if (path.includes("/messages")) {
          const ev = (name: string, data: object): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
          res.end(
            ev("message_start", {
              type: "message_start",
              message: { id: "m", type: "message", role: "assistant", model, content: [], usage: { input_tokens: 1, output_tokens: 0 } },
            }) +
              ev("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) +
              ev("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } }) +
              ev("error", { type: "error", error: { type: "invalid_request_error", message } }),
          );
          return;
        }
        const chunk = `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model, choices: [{ index: 0, delta: { content: "Hello" }, finish_reason: null }] })}\n\n`;
        res.end(chunk + `data: ${JSON.stringify({ error: { message, type: "invalid_request_error", code: "invalid_api_key" } })}\n\n`);
        return;
      }
      if (path.includes("/messages")) {
        res.writeHead(400, { "content-type": type });
        res.end(JSON.stringify({ type: "error", error: { type: "invalid_request_error", message } }));
      } else if (path.includes("/model/")) {
        res.writeHead(400, { "content-type": type, "x-amzn-errortype": "ValidationException" });
        res.end(JSON.stringify({ message }));
      } else if (path.includes(":")) {
        res.writeHead(400, { "content-type": type });
        res.end(JSON.stringify({ error: { code: 400, message, status: "INVALID_ARGUMENT" } }));
      } else {
        res.writeHead(400, { "content-type": type });
        res.end(JSON.stringify({ error: { message, type: "invalid_request_error", param: null, code: "invalid_api_key" } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
