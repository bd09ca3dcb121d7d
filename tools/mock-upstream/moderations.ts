/**
 * `POST /v1/moderations` in the OpenAI moderation API shape, with scripted verdicts:
 * an input containing `mock-flag:<category>` is flagged in that category (`mock-flag`
 * alone: `harassment`); anything else passes. Latency, error statuses and resets come
 * from the same directives as chat (`omni-moderation-latest+latency=3000`,
 * `…+status=500`, `…+fail=reset`), applied to the `model` field.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MockBehaviour } from "./behaviour.js";
import { chooseBehaviour } from "./directives.js";
import { sendError } from "./openai-error.js";

const CATEGORIES = [
  "harassment",
  "harassment/threatening",
  "hate",
  "hate/threatening",
  "illicit",
  "illicit/violent",
  "self-harm",
  "self-harm/intent",
  "self-harm/instructions",
  "sexual",
  "sexual/minors",
  "violence",
  "violence/graphic",
] as const;

let nextId = 0;

export function sendModeration(defaults: Readonly<MockBehaviour>, req: IncomingMessage, res: ServerResponse, body: string): void {
  let parsed: { model?: unknown; input?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return sendError(res, 400, "We could not parse the JSON body of your request.");
  }
  const inputs = typeof parsed.input === "string" ? [parsed.input] : Array.isArray(parsed.input) ? parsed.input.filter((x): x is string => typeof x === "string") : null;
  if (inputs === null || inputs.length === 0) return sendError(res, 400, "'input' is a required property");
  const model = typeof parsed.model === "string" ? parsed.model : "omni-moderation-latest";
  const choice = chooseBehaviour(defaults, req.headers, model);
  if (choice.error !== undefined) return sendError(res, 400, choice.error, { code: "invalid_mock_directive" });
  const b = choice.behaviour;
  const answer = (): void => {
    if (res.destroyed) return;
    if (b.fail === "reset") {
      req.socket.resetAndDestroy();
      return;
    }
    if (b.status !== undefined) return sendError(res, b.status, `Mock upstream: scripted ${b.status} error.`);
    const results = inputs.map(verdict);
    const text = JSON.stringify({ id: `modr-mock-${++nextId}`, model: choice.model, results });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
  if (b.latencyMs > 0) {
    const timer = setTimeout(answer, b.latencyMs);
    res.once("close", () => clearTimeout(timer));
  } else answer();
}

function verdict(text: string): object {
  const hit = new Set<string>();
  for (const m of text.matchAll(/mock-flag(?::([a-z/-]+))?/g)) hit.add(m[1] !== undefined && (CATEGORIES as readonly string[]).includes(m[1]) ? m[1] : "harassment");
  const categories: Record<string, boolean> = {};
  const scores: Record<string, number> = {};
  for (const c of CATEGORIES) {
    categories[c] = hit.has(c);
    scores[c] = hit.has(c) ? 0.97 : 0.0001;
  }
  return { flagged: hit.size > 0, categories, category_scores: scores };
}
