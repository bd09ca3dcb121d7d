/**
 * Renders a diff as plain text for a terminal, and as JSON for tools (every value
 * structured: targets as `{ provider, model }`, durations in ms, lists as arrays). The
 * Markdown rendering is in render-diff-markdown.ts; all three list the same changes
 * in the same order.
 */
import { formatDuration, formatUsd } from "../../analysis/format.js";
import type { WorstCase } from "../../analysis/reports.js";
import { percent } from "../../policy-tests/evaluate-test.js";
import { type DiffReport, SECTIONS, groupFindings, attemptsText, entityLabel, fieldChangeText, sectionChanges, shareRows } from "./diff-display.js";
import type { TargetRef } from "./plan-view.js";

export { renderDiffMarkdown } from "./render-diff-markdown.js";
export type { DiffLabels, DiffReport, SideFailure } from "./diff-display.js";

const share = (value: number | null): string => (value === null ? "—" : percent(value));

function worst(w: WorstCase | null): string {
  if (w === null) return "—";
  return `${w.attempts} ${w.attempts === 1 ? "attempt" : "attempts"}, ${formatDuration(w.latencyMs)}, ${w.costUsd === null ? "?" : formatUsd(w.costUsd)}`;
}

/** Plain text. */
export function renderDiffText(report: DiffReport): string {
  const { labels, diff, failures } = report;
  const out: string[] = [`tollgate diff: ${labels.before} → ${labels.after}`, ""];
  const section = (title: string, lines: readonly string[]): void => {
    if (lines.length > 0) out.push(title, ...lines.map((l) => `  ${l}`), "");
  };
  if (diff !== null)
    section(
      "SECURITY-RELEVANT",
      groupFindings(diff.security).map((g) => `! ${g.kind.replace(/-/g, " ")}: ${g.subject}: ${g.details.join("; ")}`),
    );
  for (const [side, f] of [
    ["old", failures.before],
    ["new", failures.after],
  ] as const) {
    if (f !== null)
      out.push(
        `The ${side} side ${f.summary}:`,
        "",
        ...f.rendered
          .trimEnd()
          .split("\n")
          .map((l) => `  ${l}`),
        "",
      );
  }
  if (diff === null) {
    out.push("no behavioural diff: a side has no plan to compare");
    return out.join("\n") + "\n";
  }
  section(
    "Worst case per request",
    diff.worstCase.map((w) => `~ model \`${w.model}\`: ${worst(w.before)} → ${worst(w.after)}`),
  );
  const traffic: string[] = [];
  for (const m of diff.changes.filter((c) => c.kind === "model")) {
    if (m.change !== "changed") {
      traffic.push(`${m.change === "added" ? "+" : "-"} model \`${m.name}\``);
      continue;
    }
    const rows = shareRows(m);
    const attempts = m.fields.find((f) => f.field === "attempts");
    if (rows.length === 0 && attempts === undefined) continue;
    traffic.push(`~ model \`${m.name}\``);
    const width = Math.max(0, ...rows.map((r) => r.target.length));
    for (const r of rows) traffic.push(`    ${r.target.padEnd(width)}  ${share(r.before)} → ${share(r.after)}`);
    if (attempts !== undefined) {
      const text = (v: unknown): string => (Array.isArray(v) ? attemptsText(v as { target: TargetRef | string; on: string[] | null }[]) : "—");
      traffic.push("    attempt order after a failure:", `      before: ${text(attempts.before)}`, `      after:  ${text(attempts.after)}`);
    }
  }
  section("Traffic (share of first attempts per target)", traffic);
  for (const title of SECTIONS) {
    const lines = sectionChanges(diff.changes, title).flatMap((c) => {
      if (c.change !== "changed") return [`${c.change === "added" ? "+" : "-"} ${entityLabel(c)}`];
      if (c.fields.length === 1) return [`~ ${entityLabel(c)}: ${fieldChangeText(c.fields[0]!)}`];
      return [`~ ${entityLabel(c)}`, ...c.fields.map((f) => `    ${fieldChangeText(f)}`)];
    });
    if (title === "Routes") {
      for (const n of diff.names) {
        lines.push(
          n.after === null
            ? `~ requests for \`${n.name}\` now get 404 (were served by model \`${n.before}\`)`
            : `~ requests for \`${n.name}\` now reach model \`${n.after}\` (was \`${n.before}\`)`,
        );
      }
    }
    section(title, lines);
  }
  const security = diff.security.length > 0 ? ` (${diff.security.length} security-relevant ${diff.security.length === 1 ? "finding" : "findings"})` : "";
  out.push(diff.count === 0 ? "no change in behaviour" : `${diff.count} ${diff.count === 1 ? "change" : "changes"} in behaviour${security}`);
  return out.join("\n") + "\n";
}

/** JSON for tools: the same content, every value structured. */
export function renderDiffJson(report: DiffReport): string {
  const { labels, diff, failures } = report;
  const failure = (f: DiffReport["failures"]["before"]): unknown => (f === null ? null : { summary: f.summary, diagnostics: f.diagnostics });
  return (
    JSON.stringify(
      {
        before: labels.before,
        after: labels.after,
        changes: diff?.count ?? null,
        securityRelevant: diff?.security.length ?? null,
        security: diff?.security ?? [],
        failures: { before: failure(failures.before), after: failure(failures.after) },
        worstCase: diff?.worstCase ?? [],
        names: diff?.names ?? [],
        entities: (diff?.changes ?? []).map((c) => ({
          kind: c.kind,
          name: c.name,
          ...(c.kind === "target" ? { target: { provider: c.name.slice(0, c.name.indexOf("/")), model: c.name.slice(c.name.indexOf("/") + 1) } } : {}),
          change: c.change,
          fields: c.fields.map((f) => ({
            field: f.field,
            before: f.before ?? null,
            after: f.after ?? null,
            ...(f.before === undefined ? { added: true } : f.after === undefined ? { removed: true } : {}),
          })),
        })),
      },
      null,
      2,
    ) + "\n"
  );
}
