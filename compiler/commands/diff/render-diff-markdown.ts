/**
 * The Markdown rendering of a diff, for a pull-request comment: what is compared and
 * how many changes, security-relevant changes first (a GitHub alert block), then any
 * failure of either side (its diagnostics in a code block, so the comment explains
 * itself), the worst case per model before → after, traffic shares and attempt order,
 * and every other change in tables by section. Never empty.
 */
import { formatDuration, formatUsd } from "../../analysis/format.js";
import type { WorstCase } from "../../analysis/reports.js";
import { percent } from "../../policy-tests/evaluate-test.js";
import { type DiffReport, SECTIONS, groupFindings, type SideFailure, attemptsText, entityLabel, fieldName, sectionChanges, shareRows, valueText } from "./diff-display.js";
import type { TargetRef } from "./plan-view.js";

/** Longest cell text; longer values are cut (the JSON format has them whole). */
const MAX_CELL = 160;

/** A table cell: pipes escaped, newlines flattened, long text cut. */
function cell(text: string): string {
  const flat = text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

function table(out: string[], title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  if (rows.length === 0) return;
  out.push(`#### ${title}`, "", `| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`), "");
}

const share = (value: number | null): string => (value === null ? "—" : percent(value));

function worstText(w: WorstCase | null, part: "attempts" | "latency" | "cost"): string {
  if (w === null) return "—";
  if (part === "attempts") return String(w.attempts);
  if (part === "latency") return formatDuration(w.latencyMs);
  return w.costUsd === null ? "?" : formatUsd(w.costUsd);
}

const arrow = (a: string, b: string): string => (a === b ? a : `${a} → ${b}`);

function failureBlock(out: string[], side: string, f: SideFailure): void {
  out.push(`#### ⛔ The ${side} side ${f.summary}`, "", "```text", f.rendered.trimEnd(), "```", "");
}

/** Markdown for a pull-request comment. */
export function renderDiffMarkdown(report: DiffReport): string {
  const { labels, diff, failures } = report;
  const out: string[] = ["### Tollgate: behaviour change", ""];
  const failing = [failures.before, failures.after].filter((f) => f !== null).length;
  const count = diff === null ? "not computed" : diff.count === 0 ? "no change" : `${diff.count} ${diff.count === 1 ? "change" : "changes"}`;
  const flagged = diff !== null && diff.security.length > 0 ? `, ⚠ **${diff.security.length} security-relevant ${diff.security.length === 1 ? "finding" : "findings"}**` : "";
  out.push(
    `\`${labels.before}\` → \`${labels.after}\`: **${count}**${flagged}${failing > 0 ? ` — ⛔ ${failing === 2 ? "both sides fail" : "a side fails"} its checks (below)` : ""}`,
    "",
  );
  if (diff !== null && diff.security.length > 0) {
    out.push("> [!WARNING]", "> **Security-relevant changes**", ">");
    for (const g of groupFindings(diff.security)) out.push(`> - **${g.kind.replace(/-/g, " ")}**: ${g.subject}: ${g.details.join("; ").replace(/\n/g, " ")}`);
    out.push("");
  }
  if (failures.before !== null) failureBlock(out, "old", failures.before);
  if (failures.after !== null) failureBlock(out, "new", failures.after);
  if (diff === null) {
    out.push("No behavioural diff: a side has no plan to compare.", "");
    return out.join("\n") + "\n";
  }
  table(
    out,
    "Worst case per request",
    ["model", "attempts", "latency", "cost"],
    diff.worstCase.map((w) => [
      `\`${w.model}\``,
      arrow(worstText(w.before, "attempts"), worstText(w.after, "attempts")),
      arrow(worstText(w.before, "latency"), worstText(w.after, "latency")),
      arrow(worstText(w.before, "cost"), worstText(w.after, "cost")),
    ]),
  );
  const models = diff.changes.filter((c) => c.kind === "model");
  table(
    out,
    "Traffic share of first attempts",
    ["model", "target", "before", "after"],
    models.flatMap((m) => {
      if (m.change !== "changed") return [[`\`${m.name}\``, m.change === "added" ? "(new model)" : "(removed)", "—", "—"]];
      return shareRows(m).map((r) => [`\`${m.name}\``, r.target, share(r.before), share(r.after)]);
    }),
  );
  table(
    out,
    "Attempt order after a failure",
    ["model", "before", "after"],
    models.flatMap((m) => {
      const f = m.change === "changed" ? m.fields.find((x) => x.field === "attempts") : undefined;
      const text = (v: unknown): string => (Array.isArray(v) ? attemptsText(v as { target: TargetRef | string; on: string[] | null }[]) : "—");
      return f === undefined ? [] : [[`\`${m.name}\``, text(f.before), text(f.after)]];
    }),
  );
  for (const section of SECTIONS) {
    const rows: string[][] = [];
    for (const c of sectionChanges(diff.changes, section)) {
      if (c.change !== "changed") rows.push([entityLabel(c), `(${c.change})`, "", ""]);
      else for (const f of c.fields) rows.push([entityLabel(c), `\`${fieldName(f.field)}\``, valueText(f.field, f.before), valueText(f.field, f.after)]);
    }
    if (section === "Routes")
      for (const n of diff.names) rows.push([`requests for \`${n.name}\``, "model", `\`${n.before}\``, n.after === null ? "404 (no route)" : `\`${n.after}\``]);
    table(out, section, ["what", "setting", "before", "after"], rows);
  }
  return out.join("\n") + "\n";
}
