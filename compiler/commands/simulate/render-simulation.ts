/** Renders a simulation report as aligned text tables, or as JSON. */
import { formatCount } from "../../analysis/format.js";
import { percent } from "../../policy-tests/evaluate-test.js";
import type { SimulationReport, TokenStats } from "./simulate-trace.js";

/** The first `left` columns left-aligned (names), the others right-aligned (numbers). */
function table(header: readonly string[], rows: readonly (readonly string[])[], left = 1): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    "  " +
    cells
      .map((c, i) => (i < left ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("   ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const of = (n: number, total: number): string => `${formatCount(n)}  ${total === 0 ? "–" : percent(n / total).padStart(6)}`;

/** The human rendering; `header` names the trace, plan, seed and failure assumptions. */
export function renderSimulationText(report: SimulationReport, header: string): string {
  const out: string[] = [header, "", "Outcomes"];
  const outcomeRows: string[][] = [["served", of(report.served, report.requests)]];
  if (report.degraded > 0) outcomeRows.push(["degraded answer", of(report.degraded, report.requests)]);
  for (const [what, n] of Object.entries(report.rejected)) outcomeRows.push([`rejected ${what}`, of(n, report.requests)]);
  outcomeRows.push(["failed (every attempt failed)", of(report.failed, report.requests)]);
  out.push(...table(["", "requests"], outcomeRows).slice(1), "");

  for (const m of report.models) {
    const perRequest = m.requests === 0 ? 0 : m.attempts / m.requests;
    const degraded = m.degraded > 0 ? `, ${formatCount(m.degraded)} degraded` : "";
    const reasons = Object.entries(m.failedBy).map(([why, n]) => `${why} ${formatCount(n)}`);
    const failed = `${formatCount(m.failed)} failed${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}`;
    const extra = [m.retries > 0 ? `${formatCount(m.retries)} retries` : "", m.hedges > 0 ? `${formatCount(m.hedges)} hedges` : ""].filter((x) => x !== "");
    out.push(
      `Model \`${m.model}\`: ${formatCount(m.requests)} requests, ${formatCount(m.served)} served (${formatCount(m.servedAfterFallback)} after a fallback)${degraded}, ${failed}; ${perRequest.toFixed(2)} attempts per request${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`,
    );
    out.push(
      ...table(
        ["target", "first pick", "served", "attempts", "failed attempts"],
        m.targets.map((t) => [t.target, of(t.picked, m.requests), of(t.served, m.served), formatCount(t.attempts), formatCount(t.failedAttempts)]),
      ),
      "",
    );
  }

  const quotas = (report.quotas ?? []).filter((q) => q.refused + q.downgraded > 0);
  if (quotas.length > 0) {
    out.push("Quotas (counters kept over the trace)");
    out.push(
      ...table(
        ["quota", "refused (429)", "downgraded"],
        quotas.map((q) => [`\`${q.quota}\``, formatCount(q.refused), formatCount(q.downgraded)]),
      ),
      "",
    );
  }

  if (report.tokens.length > 0) {
    out.push("Tokens of served requests (* estimated: input = the gateway's prompt estimate, output = max_tokens, unless the trace gives counts)");
    out.push(
      ...table(
        ["consumer", "model", "requests", "input tokens", "output tokens", "est. cost"],
        report.tokens.map((t) => [
          t.consumer,
          t.model,
          formatCount(t.requests),
          formatCount(t.input) + (t.inputEstimated ? "*" : " "),
          formatCount(t.output) + (t.outputEstimated ? "*" : " "),
          costText(t),
        ]),
        2,
      ),
      "",
    );
  }
  return out.join("\n");
}

/** "$0.0123", with how many requests had no known price ("+ 3 unpriced"), or "?" when none had one. */
function costText(t: TokenStats): string {
  if (t.unpriced === t.requests) return "?";
  const usd = `$${t.costUsd < 1 ? t.costUsd.toFixed(4) : t.costUsd.toFixed(2)}`;
  return t.unpriced === 0 ? usd : `${usd} + ${formatCount(t.unpriced)} unpriced`;
}

/** The JSON rendering. */
export function renderSimulationJson(report: SimulationReport, context: Record<string, unknown>): string {
  return JSON.stringify({ ...context, ...report }, null, 2) + "\n";
}
