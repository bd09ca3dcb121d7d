/**
 * The external moderation check, of a request or of an answer: one POST over the
 * provider's own connection pool and keys, with a deadline, in one of two shapes:
 * - `moderations`: `<provider>/moderations` in the OpenAI moderation API shape
 *   (`{"model","input":[…]}` → `{"results":[{"flagged","categories"}]}`);
 * - `guard-model`: an OpenAI-compatible chat model such as Llama Guard (served by vLLM)
 *   at the provider's chat path, given the text as the user's turn (or, for an answer,
 *   the prompt as the user's turn and the answer as the assistant's), which answers
 *   `safe`, or `unsafe` with its categories (`S1,S10`) on the next line.
 * A timeout, a transport error, a non-2xx status or an unreadable answer is an error,
 * and the policy's `onError` decides: `open` lets the text through, `closed` refuses it.
 */
import { performance } from "node:perf_hooks";
import type { LinkedModerationCall } from "./linked-guardrails.js";
import type { ModerationOutcome } from "./guardrail-report.js";

/** Longest input sent for moderation, in characters (the API's own limit is far above typical prompts). */
const MAX_INPUT_CHARS = 100_000;

/** Moderates `inputs`; with `prompt`, they are an answer to it (guard models judge the assistant's turn). */
export async function moderate(m: LinkedModerationCall, inputs: readonly string[], prompt?: string): Promise<ModerationOutcome> {
  const started = performance.now();
  const ms = (): number => Math.round((performance.now() - started) * 10) / 10;
  let budget = MAX_INPUT_CHARS;
  const input = inputs
    .filter((t) => t.length > 0)
    .map((t) => {
      const part = t.slice(0, Math.max(0, budget));
      budget -= part.length;
      return part;
    })
    .filter((t) => t.length > 0);
  if (input.length === 0) return { outcome: "pass", categories: [], ms: 0 };
  const headers: string[] = ["content-type", "application/json", "accept", "application/json"];
  const keys = m.upstream.authorizations;
  if (keys.length > 0) headers.push(m.upstream.authHeader ?? "authorization", keys[m.upstream.nextKey++ % keys.length]!);
  const signal = AbortSignal.timeout(m.timeoutMs);
  const body = m.api === "guard-model" ? guardModelBody(m.model, input.join("\n\n"), prompt) : m.bodyPrefix + JSON.stringify(input) + "}";
  try {
    const res = await m.upstream.pool.request({ method: "POST", path: m.path, headers, body, signal });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) return { outcome: "error", categories: [], ms: ms() };
    return m.api === "guard-model" ? guardVerdict(m, text, ms()) : verdict(m, text, ms());
  } catch {
    return { outcome: signal.aborted ? "timeout" : "error", categories: [], ms: ms() };
  }
}

/** The chat request to a guard model: the text as the user's turn, or the prompt and the text as the assistant's answer. */
function guardModelBody(model: string, text: string, prompt: string | undefined): string {
  const messages =
    prompt === undefined
      ? [{ role: "user", content: text }]
      : [
          { role: "user", content: prompt.slice(0, MAX_INPUT_CHARS) },
          { role: "assistant", content: text },
        ];
  return JSON.stringify({ model, messages, temperature: 0, max_tokens: 32 });
}

/** A guard model's answer: `safe`, or `unsafe` and a line of comma-separated categories. */
function guardVerdict(m: LinkedModerationCall, text: string, ms: number): ModerationOutcome {
  let content: unknown;
  try {
    content = (JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
  } catch {
    return { outcome: "error", categories: [], ms };
  }
  if (typeof content !== "string") return { outcome: "error", categories: [], ms };
  const [first = "", second = ""] = content.trim().split(/\r?\n/);
  const word = first.trim().toLowerCase();
  if (word === "safe") return { outcome: "pass", categories: [], ms };
  if (word !== "unsafe") return { outcome: "error", categories: [], ms };
  const all = second
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  const counted = m.categories === null ? all : all.filter((c) => m.categories!.includes(c));
  const flagged = m.categories === null || counted.length > 0;
  return { outcome: flagged ? "flagged" : "pass", categories: counted.sort(), ms };
}

function verdict(m: LinkedModerationCall, text: string, ms: number): ModerationOutcome {
  let results: unknown;
  try {
    results = (JSON.parse(text) as { results?: unknown }).results;
  } catch {
    return { outcome: "error", categories: [], ms };
  }
  if (!Array.isArray(results)) return { outcome: "error", categories: [], ms };
  const hit = new Set<string>();
  let flagged = false;
  for (const r of results as { flagged?: unknown; categories?: Record<string, unknown> }[]) {
    const categories = r?.categories ?? {};
    for (const [name, on] of Object.entries(categories)) if (on === true) hit.add(name);
    if (m.categories === null ? r?.flagged === true : m.categories.some((c) => categories[c] === true)) flagged = true;
  }
  const named = [...hit].filter((c) => m.categories === null || m.categories.includes(c)).sort();
  return { outcome: flagged ? "flagged" : "pass", categories: named, ms };
}
