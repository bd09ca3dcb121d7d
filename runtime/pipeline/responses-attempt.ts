/**
 * How one attempt of a `/v1/responses` request is made on a target: passed through to an
 * upstream that speaks the Responses API (OpenAI, Azure OpenAI, an OpenAI-compatible
 * server whose plan says `responses`), or translated to chat for every other protocol.
 * A request that needs a provider keeping state (`previous_response_id`, `store: true`,
 * hosted tools, …) cannot be translated: such a target refuses it with a 400 naming the
 * field, and the attempt loop moves on to a target that speaks the API natively.
 */
import type { ResponsesCapability } from "../adapters/adapter.js";
import type { ProviderError } from "../canonical/provider-error.js";
import type { ResponsesRequest } from "../canonical/responses/request.js";
import type { LinkedTarget } from "../plan/linked-plan.js";
import { badRequest } from "../canonical/provider-error.js";

/**
 * The target's Responses passthrough, or null when the request must be translated.
 * `stages`: response stages (output guardrails, the cache recorder) read chat answers,
 * so a request that has them is always translated.
 */
export function nativeResponses(target: LinkedTarget, hasStages: boolean): ResponsesCapability | null {
  const adapter = target.upstream.adapter;
  if (adapter.responses === undefined || hasStages) return null;
  const o = target.upstream.options;
  if (o.adapter === "azure-openai") return adapter.responses;
  return o.adapter === "openai-compatible" && o.quirks.responses === true ? adapter.responses : null;
}

/** The refusal of a stateful request on a target that would need the translation; null when it can be translated. */
export function statefulRefusal(request: ResponsesRequest, target: LinkedTarget, hasStages: boolean): ProviderError | null {
  const field = request.stateful;
  if (field === null) return null;
  const why = hasStages
    ? "this route's output guardrails or cache read translated answers"
    : `provider \`${target.upstream.name}\` does not speak the Responses API (its requests are translated to chat)`;
  return badRequest(
    `\`${field}\` needs a provider that keeps responses (OpenAI, Azure OpenAI), and ${why}: send the conversation in \`input\` with \`store: false\`, or route this request to such a provider`,
    "unsupported_parameter",
    field.replace(/\[.*$/, ""),
  );
}
