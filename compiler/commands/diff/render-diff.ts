/**
 * Renders a plan diff: plain text for a terminal, Markdown for a pull-request comment
 * (tables a reviewer can scan), JSON for tools. All three list the same changes in
 * the same order: traffic, routes, access, upstreams, listener.
 */
import { formatDuration } from "../../analysis/format.js";
import { percent } from "../../policy-tests/evaluate-test.js";
import { type Change, type PlanDiff, countChanges } from "./plan-diff.js";
import { quotaDiffLines, quotaDiffRows } from "./quota-diff.js";

/** What is compared, for the heading. */
export interface DiffLabels {
  readonly before: string;
  readonly after: string;
}

const share = (value: number | null): string => (value === null ? "—" : percent(value));

/** `timeouts.firstByteMs` 30000 → "30s"; other values as their JSON. */
function fieldValue(field: string, value: string | null): string {
  if (value === null) return "(unset)";
  return /Ms$/.test(field) && /^\d+$/.test(value) ? formatDuration(Number(value)) : value;
}

const fieldName = (field: string): string => field.replace(/Ms$/, "");

function arrow<T>(change: Change<T>, show: (v: T | null) => string): string {
  return `${show(change.before)} → ${show(change.after)}`;
}

/** Plain text. */
export function renderDiffText(diff: PlanDiff, labels: DiffLabels): string {
  const out: string[] = [`tollgate diff: ${labels.before} → ${labels.after}`, ""];
  const section = (title: string, lines: string[]): void => {
    if (lines.length > 0) out.push(title, ...lines.map((l) => `  ${l}`), "");
  };
  const { models, routes, names, consumers, upstreams, listener } = diff;

  const traffic: string[] = [];
  for (const m of models.added) traffic.push(`+ model \`${m}\``);
  for (const m of models.removed) traffic.push(`- model \`${m}\``);
  for (const m of models.changed) {
    traffic.push(`~ model \`${m.model}\``);
    const width = Math.max(0, ...m.shares.map((s) => s.target.length));
    for (const s of m.shares) traffic.push(`    ${s.target.padEnd(width)}  ${arrow(s, share)}`);
    if (m.attempts !== null) {
      traffic.push("    attempt order after a failure:");
      traffic.push(`      before: ${m.attempts.before?.join(", ") ?? ""}`, `      after:  ${m.attempts.after?.join(", ") ?? ""}`);
    }
  }
  section("Traffic (share of first attempts per target)", traffic);

  const routing: string[] = [
    ...routes.added.map((r) => `+ route \`${r.route}\` → model \`${r.model}\``),
    ...routes.removed.map((r) => `- route \`${r.route}\` (was → model \`${r.model}\`)`),
    ...routes.retargeted.map((r) => `~ route \`${r.route}\`: model \`${r.before}\` → \`${r.after}\``),
    ...(routes.order === null ? [] : [`~ first-match order: ${routes.order.before?.join(", ")} → ${routes.order.after?.join(", ")}`]),
    ...names.map((n) =>
      n.after === null
        ? `~ requests for \`${n.name}\` now get 404 (were served by model \`${n.before}\`)`
        : `~ requests for \`${n.name}\` now reach model \`${n.after}\` (was \`${n.before}\`)`,
    ),
  ];
  section("Routes", routing);

  const access: string[] = [
    ...consumers.added.map((c) => `+ consumer \`${c}\``),
    ...consumers.removed.map((c) => `- consumer \`${c}\``),
    ...consumers.access.map((c) => `~ consumer \`${c.consumer}\`: ${[...c.gained.map((m) => `+ \`${m}\``), ...c.lost.map((m) => `- \`${m}\``)].join(", ")}`),
    ...consumers.keys.map((k) => `~ consumer \`${k.consumer}\`: keys ${k.added} added, ${k.removed} removed`),
  ];
  section("Access", access);

  const ups: string[] = [
    ...upstreams.added.map((u) => `+ upstream \`${u}\``),
    ...upstreams.removed.map((u) => `- upstream \`${u}\``),
    ...upstreams.changed.map(
      (u) => `~ upstream \`${u.upstream}\`: ${u.fields.map((f) => `${fieldName(f.field)} ${fieldValue(f.field, f.before)} → ${fieldValue(f.field, f.after)}`).join("; ")}`,
    ),
  ];
  section("Upstreams", ups);
  section(
    "Listener",
    listener.map((f) => `~ ${fieldName(f.field)} ${fieldValue(f.field, f.before)} → ${fieldValue(f.field, f.after)}`),
  );
  section("Quotas and budgets", quotaDiffLines(diff.quotas));

  const count = countChanges(diff);
  out.push(count === 0 ? "no change in behaviour" : `${count} ${count === 1 ? "change" : "changes"} in behaviour`);
  return out.join("\n") + "\n";
}

/** Markdown for a pull-request comment. */
export function renderDiffMarkdown(diff: PlanDiff, labels: DiffLabels): string {
  const count = countChanges(diff);
  const out: string[] = [
    "### Tollgate: behaviour change",
    "",
    `\`${labels.before}\` → \`${labels.after}\`: **${count === 0 ? "no change" : `${count} ${count === 1 ? "change" : "changes"}`}**`,
    "",
  ];
  const { models, routes, names, consumers, upstreams, listener } = diff;
  const table = (title: string, header: string[], rows: string[][]): void => {
    if (rows.length === 0) return;
    out.push(`#### ${title}`, "", `| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`), "");
  };

  table(
    "Traffic share of first attempts",
    ["model", "target", "before", "after"],
    [
      ...models.added.map((m) => [`\`${m}\``, "(new model)", "—", "—"]),
      ...models.removed.map((m) => [`\`${m}\``, "(removed)", "—", "—"]),
      ...models.changed.flatMap((m) => m.shares.map((s) => [`\`${m.model}\``, s.target, share(s.before), share(s.after)])),
    ],
  );
  table(
    "Attempt order after a failure",
    ["model", "before", "after"],
    models.changed.flatMap((m) => (m.attempts === null ? [] : [[`\`${m.model}\``, m.attempts.before?.join(" → ") ?? "", m.attempts.after?.join(" → ") ?? ""]])),
  );
  table(
    "Routes",
    ["route", "change"],
    [
      ...routes.added.map((r) => [`\`${r.route}\``, `added → model \`${r.model}\``]),
      ...routes.removed.map((r) => [`\`${r.route}\``, `removed (was → model \`${r.model}\`)`]),
      ...routes.retargeted.map((r) => [`\`${r.route}\``, `model \`${r.before}\` → \`${r.after}\``]),
      ...(routes.order === null ? [] : [["(order)", `${routes.order.before?.join(", ")} → ${routes.order.after?.join(", ")}`]]),
      ...names.map((n) => [`requests for \`${n.name}\``, n.after === null ? `404 (was model \`${n.before}\`)` : `model \`${n.before}\` → \`${n.after}\``]),
    ],
  );
  table(
    "Consumer access",
    ["consumer", "gained", "lost"],
    [
      ...consumers.added.map((c) => [`\`${c}\``, "(new consumer)", ""]),
      ...consumers.removed.map((c) => [`\`${c}\``, "", "(removed)"]),
      ...consumers.access.map((c) => [`\`${c.consumer}\``, c.gained.map((m) => `\`${m}\``).join(", "), c.lost.map((m) => `\`${m}\``).join(", ")]),
      ...consumers.keys.map((k) => [`\`${k.consumer}\``, `${k.added} key(s)`, `${k.removed} key(s)`]),
    ],
  );
  table(
    "Upstreams",
    ["upstream", "setting", "before", "after"],
    [
      ...upstreams.added.map((u) => [`\`${u}\``, "(added)", "", ""]),
      ...upstreams.removed.map((u) => [`\`${u}\``, "(removed)", "", ""]),
      ...upstreams.changed.flatMap((u) => u.fields.map((f) => [`\`${u.upstream}\``, `\`${fieldName(f.field)}\``, fieldValue(f.field, f.before), fieldValue(f.field, f.after)])),
      ...listener.map((f) => ["(listener)", `\`${fieldName(f.field)}\``, fieldValue(f.field, f.before), fieldValue(f.field, f.after)]),
    ],
  );
  table("Quotas and budgets", ["quota", "setting", "before", "after"], quotaDiffRows(diff.quotas));
  return out.join("\n") + "\n";
}

/** JSON for tools. */
export function renderDiffJson(diff: PlanDiff, labels: DiffLabels): string {
  return JSON.stringify({ before: labels.before, after: labels.after, changes: countChanges(diff), ...diff }, null, 2) + "\n";
}

/** A table cell: pipes escaped, newlines flattened. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
