/**
 * Renders an explanation: for people, one step per line with the policy line that
 * decided it in a right-hand column; for tools, JSON with the same steps.
 */
import { type SourceLocation, formatLocation } from "../../sourcemap/plan-source-map.js";
import type { ExplainLine, Explanation } from "./explain-steps.js";

/** Widest text before the location column; longer lines push their location right. */
const MAX_TEXT_WIDTH = 88;

/** The human rendering. `header` and `notes` frame the steps. */
export function renderExplanationText(explanation: Explanation, header: string, notes: readonly string[]): string {
  const rows: { text: string; at: SourceLocation | null }[] = [];
  for (const step of explanation.steps) {
    rows.push({ text: `  ${step.step.padEnd(10)} ${step.line.text}`, at: step.line.at });
    for (const detail of step.details) rows.push({ text: `             ${detail.text}`, at: detail.at });
  }
  const width = Math.min(MAX_TEXT_WIDTH, Math.max(...rows.filter((r) => r.at !== null).map((r) => r.text.length), 0));
  const lines = rows.map((r) => (r.at === null ? r.text : `${r.text.padEnd(width)}  ${formatLocation(r.at)}`));
  return [header, "", ...lines, "", `result: ${explanation.result}`, ...notes.map((n) => `note: ${n}`)].join("\n") + "\n";
}

/** The JSON rendering. */
export function renderExplanationJson(explanation: Explanation, notes: readonly string[]): string {
  const line = (l: ExplainLine): { text: string; at: string | null } => ({ text: l.text, at: l.at === null ? null : formatLocation(l.at) });
  const r = explanation.refusal;
  const outcome = r !== undefined ? { outcome: "rejected", status: r.status, code: r.code } : { outcome: explanation.served ? "served" : "not served" };
  const steps = explanation.steps.map((s) => ({ step: s.step, ...line(s.line), details: s.details.map(line) }));
  return JSON.stringify({ model: explanation.model, ...outcome, result: explanation.result, steps, notes }, null, 2) + "\n";
}
