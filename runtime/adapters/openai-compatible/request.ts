/**
 * Canonical request → OpenAI-compatible upstream body. The client's bytes go out
 * untouched whenever nothing must change (the common case, and the benchmark's);
 * otherwise the smallest change is made:
 *
 * - only the usage request to add: the bytes are spliced (`,"stream_options":{…}`
 *   before the closing brace), no re-serialization;
 * - a model rename, a vendor quirk (renamed or dropped parameter) or a client
 *   `stream_options` to merge: a shallow copy of the parsed body is serialized.
 *
 * Never mutates the canonical body: a retry on another target starts from it again.
 */
import type { PlanOpenAIQuirks } from "../../../schemas/plan/protocols.js";
import type { ChatRequestContext } from "../adapter.js";
import type { ChatBody } from "../../canonical/chat-request.js";
import type { ProviderError } from "../../canonical/provider-error.js";

/** Per-quirks lookups, derived once per plan object (the quirks are frozen plan data). */
interface QuirkTable {
  readonly renames: readonly (readonly [string, string])[];
  readonly drops: readonly string[];
  /** False when the quirks change nothing in any request (no lookups needed). */
  readonly active: boolean;
}

const tables = new WeakMap<PlanOpenAIQuirks, QuirkTable>();

function tableOf(q: PlanOpenAIQuirks): QuirkTable {
  let t = tables.get(q);
  if (t === undefined) {
    const renames = Object.entries(q.renameParams);
    t = { renames, drops: q.dropParams, active: renames.length > 0 || q.dropParams.length > 0 };
    tables.set(q, t);
  }
  return t;
}

/** True when the gateway adds `stream_options.include_usage` to this request (and hides the usage chunk). */
export function injectsStreamUsage(ctx: ChatRequestContext, quirks: PlanOpenAIQuirks): boolean {
  return ctx.stream && quirks.streamUsage && !ctx.clientWantsStreamUsage;
}

/** A request the upstream cannot serve: tools or JSON mode where the vendor has none. */
export function unsupportedFeature(ctx: ChatRequestContext, quirks: PlanOpenAIQuirks, provider: string): ProviderError | null {
  const body = ctx.request.body;
  if (!quirks.tools && (body.tools !== undefined || body.functions !== undefined)) {
    return refusal(`provider ${provider} does not support tools / function calling; route this request to a model that does`, "tools");
  }
  if (!quirks.jsonMode && body.response_format !== undefined) {
    return refusal(`provider ${provider} does not support \`response_format\` (JSON mode); route this request to a model that does`, "response_format");
  }
  return null;
}

function refusal(message: string, param: string): ProviderError {
  return { class: "bad_request", status: 400, message, code: "unsupported_parameter", retryAfterMs: null, param, openAIFields: true };
}

const USAGE_SPLICE = Buffer.from(',"stream_options":{"include_usage":true}}');

/**
 * The body to send. `model` is the upstream model name, or null to leave the body's
 * `model` out (Azure's dated API names the deployment in the URL and ignores it).
 */
export function openAIBody(ctx: ChatRequestContext, quirks: PlanOpenAIQuirks, model: string | null): Buffer | string {
  const body = ctx.request.body;
  const inject = injectsStreamUsage(ctx, quirks);
  const table = tableOf(quirks);
  const quirky = table.active && touchesQuirk(body, table);
  const renamed = model !== null && ctx.request.model !== model;
  const raw = ctx.rawBody;
  if (raw !== null && !quirky && !renamed) {
    if (!inject) return raw;
    if (body.stream_options === undefined) {
      const close = raw.lastIndexOf(0x7d);
      if (close > 0) return Buffer.concat([raw.subarray(0, close), USAGE_SPLICE, raw.subarray(close + 1)]);
    }
  }
  const out: Record<string, unknown> = { ...body };
  if (model !== null) out["model"] = model;
  if (inject) {
    const given = body.stream_options;
    out["stream_options"] = { ...(typeof given === "object" && given !== null ? given : {}), include_usage: true };
  }
  if (quirky) {
    for (const [from, to] of table.renames) {
      if (out[from] === undefined) continue;
      out[to] = out[from];
      delete out[from];
    }
    for (const param of table.drops) delete out[param];
  }
  return JSON.stringify(out);
}

function touchesQuirk(body: ChatBody, table: QuirkTable): boolean {
  for (const [from] of table.renames) if (body[from] !== undefined) return true;
  for (const param of table.drops) if (body[param] !== undefined) return true;
  return false;
}
