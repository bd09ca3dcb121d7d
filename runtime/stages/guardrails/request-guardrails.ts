/**
 * The one entry point the chat pipeline calls after routing, when the route has
 * guardrails: input checks, then moderation (before the upstream call, or alongside
 * it: then the verdict carries the pending check and the pipeline holds the answer
 * until it settles), and the output stage for the answer. It returns a verdict and
 * never answers the client itself.
 */
import type { RequestRecord } from "../../base/request-record.js";
import type { ResponseStage } from "../response-stage.js";
import { gatewayError, type GatewayError } from "../../base/errors.js";
import { GuardrailReport, type ModerationOutcome } from "./guardrail-report.js";
import { guardInput } from "./input-guard.js";
import { hasLargeText, scanLargeTexts } from "./large-text.js";
import type { LinkedGuardrails, LinkedModeration } from "./linked-guardrails.js";
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { CONTENT, TOOL_ARGUMENTS, walkTexts } from "../../canonical/message-text.js";
import { moderate } from "./moderation.js";
import { OutputGuardStage } from "./output-stage.js";
import { Redactions } from "./redactions.js";

/** The guardrails refused the request: answer with this error. */
export interface GuardrailRefusal {
  readonly kind: "refused";
  readonly error: GatewayError;
}

/** The request may go on, as the guardrails leave it. */
export interface GuardedRequest {
  readonly kind: "admitted";
  /** The request to send: a new one when a redaction rewrote it (the client's bytes must then not be forwarded). */
  readonly request: ChatRequestView;
  /** The output stage, or null when the route has no output checks. */
  readonly stage: ResponseStage | null;
  /**
   * Parallel moderation still running: the answer must be held until it settles, then
   * released (null) or replaced by the error. Null when no check is pending.
   */
  readonly pending: Promise<GatewayError | null> | null;
}

export type GuardrailVerdict = GuardrailRefusal | GuardedRequest;

/** Runs chain `g` on `request`: the refusal, or the request to send on (rewritten by redactions) with what the pipeline must attach. */
export async function applyGuardrails(g: LinkedGuardrails, record: RequestRecord, request: ChatRequestView): Promise<GuardrailVerdict> {
  const report = new GuardrailReport(g.name);
  record.guardrails = report;
  const redactions = new Redactions();
  // A large prompt is scanned in slices first, so other requests on this thread are not held up.
  const large = g.input !== null && hasLargeText(request) ? await scanLargeTexts(g.input, request) : null;
  const input = guardInput(g, request, redactions, report, large);
  if (!input.ok) return { kind: "refused", error: input.error };
  let pending: Promise<GatewayError | null> | null = null;
  const m = g.moderation;
  if (m !== null) {
    const texts = moderationInputs(input.request);
    if (m.parallel) pending = moderate(m, texts).then((outcome) => judge(m, outcome, report));
    else {
      const err = judge(m, await moderate(m, texts), report);
      if (err !== null) return { kind: "refused", error: err };
    }
  }
  const stage = g.output === null ? null : new OutputGuardStage(g.output, redactions, report);
  return { kind: "admitted", request: input.request, stage, pending };
}

/** The texts sent for moderation: everything but system messages (the operator's own words). */
function moderationInputs(request: ChatRequestView): string[] {
  const texts: string[] = [];
  walkTexts(request.messages, CONTENT | TOOL_ARGUMENTS, (text, role) => {
    if (role !== "system") texts.push(text);
    return undefined;
  });
  return texts;
}

/** The error a moderation outcome calls for, or null to go on. */
function judge(m: LinkedModeration, outcome: ModerationOutcome, report: GuardrailReport): GatewayError | null {
  report.moderation = outcome;
  if (outcome.outcome === "flagged") {
    report.count("input", "moderation", m.action, m.rule);
    if (m.action === "flag") return null;
    report.blocked = { direction: "input", detector: "moderation", rule: m.rule };
    const which = outcome.categories.length > 0 ? ` (${outcome.categories.join(", ")})` : "";
    return gatewayError("blocked-by-moderation", { rule: m.rule, categories: which });
  }
  if (outcome.outcome === "pass" || m.onError === "open") return null;
  report.blocked = { direction: "input", detector: "moderation", rule: m.rule };
  return gatewayError("moderation-unavailable", { rule: m.rule, outcome: outcome.outcome });
}
