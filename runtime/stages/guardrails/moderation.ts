/**
 * The external moderation check: one POST to `<provider>/moderations` in the OpenAI
 * moderation API shape (`{"model","input":[…]}` → `{"results":[{"flagged","categories"}]}`),
 * over the provider's own connection pool and keys, with a deadline. A timeout, a
 * transport error, a non-2xx status or an unreadable answer is an error, and the
 * policy's `onError` decides: `open` lets the request through, `closed` refuses it.
 */
import { performance } from "node:perf_hooks";
import type { LinkedModeration } from "./linked-guardrails.js";
import type { ModerationOutcome } from "./guardrail-report.js";

/** Longest input sent for moderation, in characters (the API's own limit is far above typical prompts). */
const MAX_INPUT_CHARS = 100_000;

export async function moderate(m: LinkedModeration, inputs: readonly string[]): Promise<ModerationOutcome> {
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
  if (keys.length > 0) headers.push("authorization", keys[m.upstream.nextKey++ % keys.length]!);
  const signal = AbortSignal.timeout(m.timeoutMs);
  try {
    const res = await m.upstream.pool.request({ method: "POST", path: m.path, headers, body: m.bodyPrefix + JSON.stringify(input) + "}", signal });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) return { outcome: "error", categories: [], ms: ms() };
    return verdict(m, text, ms());
  } catch {
    return { outcome: signal.aborted ? "timeout" : "error", categories: [], ms: ms() };
  }
}

function verdict(m: LinkedModeration, text: string, ms: number): ModerationOutcome {
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
