/**
 * The scripted faults of the OpenAI-shaped endpoints besides chat (embeddings): the
 * same model-name directives as chat (`status`, `retry`, `code`, `first`, `latency`,
 * `fail=reset`, `badkey`, `limitkey`), so a policy can script a failing embeddings
 * upstream behind the gateway exactly as it scripts a failing chat one.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MockContext } from "./context.js";
import { chooseBehaviour } from "./directives.js";
import { sendError } from "./openai-error.js";

/** Answers with the fault the model's directives script, or calls `answer` (after any scripted latency). */
export function answerScripted(ctx: MockContext, req: IncomingMessage, res: ServerResponse, model: string, answer: () => void): void {
  const choice = chooseBehaviour(ctx.defaults, req.headers, model);
  if (choice.error !== undefined) return sendError(res, 400, choice.error, { code: "invalid_mock_directive" });
  let b = choice.behaviour;
  if (b.firstCalls !== undefined && ctx.callNumber(model) > b.firstCalls) b = ctx.defaults;
  const bearer = req.headers.authorization;
  if (b.badKey !== undefined && bearer === `Bearer ${b.badKey}`) return sendError(res, 401, "Incorrect API key provided.");
  if (b.limitedKey !== undefined && bearer === `Bearer ${b.limitedKey}`) {
    return sendError(res, 429, "Rate limit reached for this key.", { retryAfterSeconds: b.retryAfterSeconds ?? 1 });
  }
  const respond = (): void => {
    if (res.destroyed) return;
    // An RST, not a FIN: what a crashed or overloaded upstream looks like to a client.
    if (b.fail === "reset") return void req.socket.resetAndDestroy();
    if (b.status === undefined) return answer();
    const retryAfterSeconds = b.retryAfterSeconds ?? (b.status === 429 ? 1 : undefined);
    sendError(res, b.status, `Mock upstream: scripted ${b.status} error.`, {
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      ...(b.errorCode === undefined ? {} : { code: b.errorCode }),
    });
  };
  if (b.latencyMs <= 0) return respond();
  const timer = setTimeout(respond, b.latencyMs);
  res.once("close", () => clearTimeout(timer));
}

/** The `model` of a JSON body, or "" (the endpoint then answers its own 400). */
export function jsonModel(body: string): string {
  try {
    const model = (JSON.parse(body) as { model?: unknown } | null)?.model;
    return typeof model === "string" ? model : "";
  } catch {
    return "";
  }
}
