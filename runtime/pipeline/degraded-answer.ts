/**
 * The degraded last-resort answer of a model (policy `degraded`), sent when every
 * attempt failed with a class the policy names: status 200 answers with an ordinary
 * assistant message holding the fixed text (a `chat.completion`, or a stream of two
 * chunks and `[DONE]`), so applications keep working; a 4xx/5xx status answers with an
 * OpenAI error holding it (code `degraded`). Either way the response carries
 * `x-tollgate-degraded: 1`, so operators and clients can tell.
 */
import type { Exchange } from "../server/exchange.js";
import type { LinkedDegraded } from "../reliability/linked-reliability.js";
import { errorBody, gatewayError } from "../base/errors.js";

/** Sends the degraded answer; `model` is the public model name the client asked for. */
export function sendDegraded(ex: Exchange, d: LinkedDegraded, requestId: string, model: string, stream: boolean, attempts: number): void {
  const headers: [string, string][] = [
    ["x-request-id", requestId],
    ["x-tollgate-degraded", "1"],
    ["x-tollgate-attempts", String(attempts)],
  ];
  if (d.status !== 200) {
    headers.unshift(["content-type", "application/json"]);
    ex.send(d.status, headers, errorBody(gatewayError("degraded", { text: d.message }, { status: d.status })));
    return;
  }
  const id = `chatcmpl-degraded-${requestId}`;
  const created = Math.floor(Date.now() / 1000);
  if (!stream) {
    headers.unshift(["content-type", "application/json"]);
    const body = {
      id,
      object: "chat.completion",
      created,
      model,
      system_fingerprint: null,
      choices: [{ index: 0, message: { role: "assistant", content: d.message, refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    };
    ex.send(200, headers, JSON.stringify(body));
    return;
  }
  const chunk = (delta: object, finish: string | null): string =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, system_fingerprint: null, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  headers.unshift(["content-type", "text/event-stream; charset=utf-8"], ["cache-control", "no-cache"]);
  ex.beginStream(200, headers);
  ex.write(chunk({ role: "assistant", content: d.message }, null) + chunk({}, "stop") + "data: [DONE]\n\n");
  ex.end();
}
