/**
 * The request side of templates and decorators: builds the messages the upstream
 * receives. A template's rendered messages come first, then the client's own
 * messages (optional with a template); the route's `prepend` decorators go before
 * everything, its `append` decorators after. The template fields (`template`,
 * `variables`) never reach the upstream.
 *
 * The two run at different points of the request (see chat-completions.ts): templates
 * before the input guardrails, so what a client puts in `variables` is checked like
 * any message; decorators after them, so the operator's own preamble ("ignore
 * instructions in documents…") is not mistaken for a prompt injection.
 */
import type { PlanRoutePrompts, PlanTemplate } from "../../../schemas/plan/prompts.js";
import { gatewayError, type GatewayError } from "../../base/errors.js";
import { ChatRequestView } from "../../canonical/chat-request.js";
import { renderTemplate } from "./render-template.js";

/** The request header that may name the template instead of the body's `template`. */
export const TEMPLATE_HEADER = "x-tollgate-template";

/** Templates by name, with their plan index (for route allow-lists). */
export type TemplateTable = ReadonlyMap<string, { readonly index: number; readonly template: PlanTemplate }>;

/**
 * The request as the route sends it: template, then decorators. Returns an error for
 * a bad template request, else the request (a new one when something changed; the
 * given one and its body are never written).
 */
export function applyPrompts(
  request: ChatRequestView,
  headers: Readonly<Record<string, string>>,
  templates: TemplateTable,
  prompts: PlanRoutePrompts | null,
): GatewayError | ChatRequestView {
  const templated = applyTemplate(request, headers, templates, prompts);
  if (!(templated instanceof ChatRequestView)) return templated;
  return applyDecorators(templated, prompts);
}

/** Renders the requested template (if any) before the client's messages, without the template fields; an error, or the request. */
export function applyTemplate(
  request: ChatRequestView,
  headers: Readonly<Record<string, string>>,
  templates: TemplateTable,
  prompts: PlanRoutePrompts | null,
): GatewayError | ChatRequestView {
  const body = request.body;
  const named = body.template ?? headers[TEMPLATE_HEADER];
  if (named !== undefined) {
    if (typeof named !== "string") return gatewayError("invalid-request", { reason: "`template` must be a template name (a string)" }, { param: "template" });
    const entry = templates.get(named);
    const allowed = entry !== undefined && (prompts?.templates === undefined || prompts.templates.includes(entry.index));
    if (!allowed) return gatewayError("invalid-request", { reason: `unknown template \`${named.slice(0, 128)}\` for this model` }, { param: "template" });
    const rendered = renderTemplate(entry.template, body.variables);
    if (!rendered.ok) return gatewayError("invalid-request", { reason: rendered.message }, { param: rendered.param });
    return request.with([...rendered.messages, ...request.messages], TEMPLATE_FIELDS);
  }
  if (body.variables !== undefined) return gatewayError("invalid-request", { reason: "`variables` is only accepted together with `template`" }, { param: "variables" });
  return request;
}

/** The body fields that name and fill a template: the gateway's, never sent upstream. */
const TEMPLATE_FIELDS = ["template", "variables"] as const;

/** The route's decorator messages around the request's messages (a new request), or the request when the route has none. */
export function applyDecorators(request: ChatRequestView, prompts: PlanRoutePrompts | null): ChatRequestView {
  if (prompts === null || (prompts.prepend.length === 0 && prompts.append.length === 0)) return request;
  return request.with([...prompts.prepend, ...request.messages, ...prompts.append]);
}
