/**
 * The one entry point the chat pipeline calls after routing, when the route has
 * guardrails: input checks, then moderation (before the upstream call, or alongside
 * it behind a GatedExchange), and the output stage for the answer. On a refusal it
 * answers the client itself and returns null.
 */
import type { RequestRecord } from "../observability/request-record.js";
import type { ResponseStage } from "../pipeline/response-stage.js";
import type { Exchange } from "../server/exchange.js";
import type { GatewayError } from "../server/errors.js";
import { sendError } from "../server/respond.js";
import { GatedExchange } from "./gated-exchange.js";
import { GuardrailReport, type ModerationOutcome } from "./guardrail-report.js";
import { guardInput } from "./input-guard.js";
import type { LinkedGuardrails, LinkedModeration } from "./linked-guardrails.js";
import { rewriteTexts } from "./message-texts.js";
import { moderate } from "./moderation.js";
import { OutputGuardStage } from "./output-stage.js";
import { Redactions } from "./redactions.js";

export interface GuardedRequest {
  /** The exchange to answer on (a gate while parallel moderation runs). */
  readonly exchange: Exchange;
  readonly body: Record<string, unknown>;
  /** True when the body was rewritten: the client's bytes must not be forwarded. */
  readonly rewritten: boolean;
  /** The output stage, or null when the route has no output checks. */
  readonly stage: ResponseStage | null;
}

export async function applyGuardrails(g: LinkedGuardrails, ex: Exchange, record: RequestRecord, body: Record<string, unknown>): Promise<GuardedRequest | null> {
  const report = new GuardrailReport(g.name);
  record.guardrails = report;
  const requestId = record.requestId;
  const redactions = new Redactions();
  const input = guardInput(g, body, redactions, report);
  if (!input.ok) {
    sendError(ex, requestId, input.error);
    return null;
  }
  let exchange = ex;
  const m = g.moderation;
  if (m !== null) {
    const texts = moderationInputs(input.body);
    if (m.parallel) {
      const gate = new GatedExchange(ex, requestId);
      exchange = gate;
      void moderate(m, texts).then((outcome) => {
        const err = judge(m, outcome, report);
        if (err === null) gate.release();
        else gate.refuse(err);
      });
    } else {
      const err = judge(m, await moderate(m, texts), report);
      if (err !== null) {
        sendError(ex, requestId, err);
        return null;
      }
    }
  }
  const stage = g.output === null ? null : new OutputGuardStage(g.output, redactions, report);
  return { exchange, body: input.body, rewritten: input.rewritten, stage };
}

/** The texts sent for moderation: everything but system messages (the operator's own words). */
function moderationInputs(body: Record<string, unknown>): string[] {
  const texts: string[] = [];
  rewriteTexts(body.messages as unknown[], (text, role) => {
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
    return { code: "content_blocked", message: `the request was blocked by guardrail \`${m.rule}\`: the moderation check flagged it${which}`, param: "messages" };
  }
  if (outcome.outcome === "pass" || m.onError === "open") return null;
  report.blocked = { direction: "input", detector: "moderation", rule: m.rule };
  return { code: "moderation_unavailable", message: `guardrail \`${m.rule}\` requires a moderation check, which failed (${outcome.outcome}); try again later`, retryAfter: 5 };
}
