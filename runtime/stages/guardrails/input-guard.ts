/**
 * Input guardrails of one request, cheapest first: the message count (one length
 * read), the prompt-token estimate (the gateway's one estimate, stopping at the
 * limit), then one scan per text for PII, deny terms and deny patterns together, with
 * the injection score gathered in the same walk. A block stops at the first blocking
 * finding; redact and mask build a new request (copy-on-write: untouched messages
 * keep their objects, and the client's body is never written).
 */
import { gatewayError, type GatewayError } from "../../base/errors.js";
import { describeFinding } from "./describe-finding.js";
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { estimatePromptTokens } from "../../canonical/prompt-tokens.js";
import type { GuardrailReport } from "./guardrail-report.js";
import { InjectionScore } from "./injection.js";
import type { LinkedGuardrails } from "./linked-guardrails.js";
import { CONTENT, TOOL_ARGUMENTS, walkTexts } from "../../canonical/message-text.js";
import type { Redactions } from "./redactions.js";
import { scanText } from "./text-scan.js";
import type { LargeTextScans } from "./large-text.js";

/** The outcome: the request to send (a new one when redactions rewrote it), or the error to answer with. */
export type InputVerdict = { readonly ok: true; readonly request: ChatRequestView } | { readonly ok: false; readonly error: GatewayError };

/**
 * The input checks of chain `g` on `request`; findings go to `report`, redactions to
 * `redactions`. `large` holds what was already found in the request's large texts (scanned
 * in slices beforehand: large-text.ts), null when it has none.
 */
export function guardInput(g: LinkedGuardrails, request: ChatRequestView, redactions: Redactions, report: GuardrailReport, large: LargeTextScans | null = null): InputVerdict {
  const messages = request.messages;
  if (g.maxMessages !== null && messages.length > g.maxMessages.limit) {
    report.blocked = { direction: "input", detector: "max_messages", rule: g.maxMessages.rule };
    return blocked(g.maxMessages.rule, `it has ${messages.length} messages, more than the limit of ${g.maxMessages.limit}`, "messages");
  }
  if (g.maxPromptTokens !== null) {
    const limit = g.maxPromptTokens.limit;
    if (estimatePromptTokens(request, limit) > limit) {
      report.blocked = { direction: "input", detector: "max_prompt_tokens", rule: g.maxPromptTokens.rule };
      return blocked(g.maxPromptTokens.rule, `its prompt is estimated at more than ${limit} tokens, the limit`, "messages");
    }
  }
  const scan = g.input;
  if (scan === null) return { ok: true, request };

  const injection = scan.injection === null ? null : (large?.injection ?? new InjectionScore());
  let block: { detector: string; rule: string; message: number } | null = null;
  let visited = 0;
  const rewritten = walkTexts(messages, CONTENT | TOOL_ARGUMENTS, (text, role, message) => {
    const scanned = large?.findings[visited++];
    if (block !== null) return undefined;
    if (injection !== null && role !== "system" && scanned === undefined) injection.add(text);
    const findings = scanned ?? scanText(scan, text);
    if (findings.length === 0) return undefined;
    for (const f of findings) {
      report.count("input", f.detector, f.action, f.rule);
      if (f.action === "block" && block === null) block = { detector: f.detector, rule: f.rule, message };
    }
    if (block !== null || !scan.rewrites) return undefined;
    const next = redactions.rewrite(text, findings);
    return next === text ? undefined : next;
  });
  if (block !== null) {
    const b = block as { detector: string; rule: string; message: number };
    report.blocked = { direction: "input", detector: b.detector, rule: b.rule };
    return blocked(b.rule, `it contains ${describeFinding(b.detector)}`, `messages[${b.message}]`);
  }
  if (injection !== null && scan.injection !== null) {
    const score = injection.score;
    if (score > 0) report.injection = { score, patterns: injection.patterns };
    if (score > 0 && score >= scan.injection.threshold) {
      report.count("input", "injection", scan.injection.action, scan.injection.rule);
      if (scan.injection.action === "block") {
        report.blocked = { direction: "input", detector: "injection", rule: scan.injection.rule };
        return blocked(scan.injection.rule, `it looks like a prompt injection (score ${score} ≥ ${scan.injection.threshold})`, "messages");
      }
    }
  }
  if (rewritten === null) return { ok: true, request };
  return { ok: true, request: request.with(rewritten) };
}

/** The 400 of a blocked request: which guardrail and what it found, never the text. */
export function blocked(rule: string, why: string, param: string | null): { ok: false; error: GatewayError } {
  return { ok: false, error: gatewayError("blocked-input", { rule, finding: why }, { param }) };
}
