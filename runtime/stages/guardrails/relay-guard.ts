/**
 * Input guardrails of the endpoints besides chat that carry user text: embeddings
 * (`input`: a string or a list of strings; token arrays carry no text to screen) and
 * speech (`input`: the text to speak), and a transcription's `prompt`. The route's
 * input checks run on each text exactly as on a chat message (PII, deny terms, deny
 * patterns, allow patterns); a block refuses the request with the chat endpoint's
 * error and names the parameter, redact and mask rewrite the text sent upstream. The
 * prompt-size limits, injection heuristics and moderation are chat's: they judge a
 * conversation, not a document being embedded or spoken. A buffered transcript gets the
 * route's output checks (guardRelayAnswer).
 */
import { gatewayError, type GatewayError } from "../../base/errors.js";
import type { RequestRecord } from "../../base/request-record.js";
import { describeFinding } from "./describe-finding.js";
import { GuardrailReport } from "./guardrail-report.js";
import { blocked } from "./input-guard.js";
import type { LinkedGuardrails } from "./linked-guardrails.js";
import { Redactions } from "./redactions.js";
import { scanText } from "./text-scan.js";

/** The texts to send (rewritten when a redaction applied; the same array when nothing changed), or the refusal. */
export type RelayInputVerdict = { readonly ok: true; readonly texts: readonly string[]; readonly changed: boolean } | { readonly ok: false; readonly error: GatewayError };

/** Screens `texts` (parameter `param`, indexed when several) with chain `g`'s input checks. */
export function guardRelayInput(g: LinkedGuardrails, record: RequestRecord, texts: readonly string[], param: string): RelayInputVerdict {
  const scan = g.input;
  if (scan === null) return { ok: true, texts, changed: false };
  const report = new GuardrailReport(g.name);
  record.guardrails = report;
  const redactions = new Redactions();
  let out: string[] | null = null;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    const findings = scanText(scan, text);
    if (findings.length === 0) continue;
    for (const f of findings) report.count("input", f.detector, f.action, f.rule);
    const block = findings.find((f) => f.action === "block");
    if (block !== undefined) {
      report.blocked = { direction: "input", detector: block.detector, rule: block.rule };
      return blocked(block.rule, `it contains ${describeFinding(block.detector)}`, texts.length > 1 ? `${param}[${i}]` : param);
    }
    const next = redactions.rewrite(text, findings);
    if (next !== text) (out ??= [...texts])[i] = next;
  }
  return out === null ? { ok: true, texts, changed: false } : { ok: true, texts: out, changed: true };
}

/**
 * Output checks on a buffered text answer (a transcript, in any response format): the
 * body is scanned as text, so JSON, plain text, SRT and VTT are screened alike;
 * placeholders and masks hold no JSON-special character, so a rewritten JSON body stays
 * valid. Returns the body to send, or the refusal.
 */
export function guardRelayAnswer(g: LinkedGuardrails, record: RequestRecord, body: Buffer): Buffer | GatewayError {
  const scan = g.output;
  if (scan === null) return body;
  const text = body.toString("utf8");
  const findings = scanText(scan, text);
  if (findings.length === 0) return body;
  const report = record.guardrails instanceof GuardrailReport ? record.guardrails : new GuardrailReport(g.name);
  record.guardrails = report;
  for (const f of findings) report.count("output", f.detector, f.action, f.rule);
  const block = findings.find((f) => f.action === "block");
  if (block !== undefined) {
    report.blocked = { direction: "output", detector: block.detector, rule: block.rule };
    return gatewayError("blocked-output", { rule: block.rule, finding: describeFinding(block.detector) });
  }
  const rewritten = new Redactions().rewrite(text, findings);
  return rewritten === text ? body : Buffer.from(rewritten);
}
