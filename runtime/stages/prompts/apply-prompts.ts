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
import { renderTemplate } from "./render-template.js";

/** The request header that may name the template instead of the body's `template`. */
export const TEMPLATE_HEADER = "x-tollgate-template";

/** Templates by name, with their plan index (for route allow-lists). */
export type TemplateTable = ReadonlyMap<string, { readonly index: number; readonly template: PlanTemplate }>;

/**
 * Rewrites `body.messages` in place for the route; returns an error for a bad
 * template request, true when the body changed, false when it did not.
 */
export function applyPrompts(
  body: Record<string, unknown>,
  headers: Readonly<Record<string, string>>,
  templates: TemplateTable,
  prompts: PlanRoutePrompts | null,
): GatewayError | boolean {
  const templated = applyTemplate(body, headers, templates, prompts);
  if (typeof templated !== "boolean") return templated;
  return applyDecorators(body, prompts) || templated;
}

/** Renders the requested template (if any) into `body.messages`; an error, or whether the body changed. */
export function applyTemplate(
  body: Record<string, unknown>,
  headers: Readonly<Record<string, string>>,
  templates: TemplateTable,
  prompts: PlanRoutePrompts | null,
): GatewayError | boolean {
  let changed = false;
  const named = body["template"] ?? headers[TEMPLATE_HEADER];
  if (named !== undefined) {
    if (typeof named !== "string") return gatewayError("invalid-request", { reason: "`template` must be a template name (a string)" }, { param: "template" });
    const entry = templates.get(named);
    const allowed = entry !== undefined && (prompts?.templates === undefined || prompts.templates.includes(entry.index));
    if (!allowed) return gatewayError("invalid-request", { reason: `unknown template \`${named.slice(0, 128)}\` for this model` }, { param: "template" });
    const rendered = renderTemplate(entry.template, body["variables"]);
    if (!rendered.ok) return gatewayError("invalid-request", { reason: rendered.message }, { param: rendered.param });
    const own = Array.isArray(body["messages"]) ? (body["messages"] as unknown[]) : [];
    body["messages"] = [...rendered.messages, ...own];
    delete body["template"];
    delete body["variables"];
    changed = true;
  } else if (body["variables"] !== undefined) {
    return gatewayError("invalid-request", { reason: "`variables` is only accepted together with `template`" }, { param: "variables" });
  }
  return changed;
}

/** Puts the route's decorator messages around `body.messages`; whether the body changed. */
export function applyDecorators(body: Record<string, unknown>, prompts: PlanRoutePrompts | null): boolean {
  if (prompts === null || (prompts.prepend.length === 0 && prompts.append.length === 0)) return false;
  body["messages"] = [...prompts.prepend, ...(body["messages"] as unknown[]), ...prompts.append];
  return true;
}
