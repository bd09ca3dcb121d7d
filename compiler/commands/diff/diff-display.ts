/**
 * How a diff is shown, shared by the text and Markdown renderings: which section each
 * change belongs to, how a value reads (durations, targets, lists), and the report a
 * renderer receives (the labels, the diff when both sides have a plan, and each
 * side's failures).
 */
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { formatDuration } from "../../analysis/format.js";
import type { EntityKind, TargetRef } from "./plan-view.js";
import type { SecurityFinding } from "./security.js";
import type { PlanDiff } from "./plan-diff.js";
import type { EntityChange, FieldChange } from "./view-diff.js";

/** What is compared, for the heading. */
export interface DiffLabels {
  readonly before: string;
  readonly after: string;
}

/** Why a side cannot be compared as it is: it does not compile, or its policy tests fail. */
export interface SideFailure {
  /** "does not compile (2 errors)", "fails 1 of 3 policy tests". */
  readonly summary: string;
  readonly diagnostics: readonly Diagnostic[];
  /** The diagnostics as `check` prints them (code frames, secrets masked, no colour). */
  readonly rendered: string;
}

/** Everything a renderer shows. `diff` is null when a side has no plan at all. */
export interface DiffReport {
  readonly labels: DiffLabels;
  readonly diff: PlanDiff | null;
  readonly failures: { readonly before: SideFailure | null; readonly after: SideFailure | null };
}

/** The sections of a diff, in reading order, after security, failures, worst case and traffic. */
export const SECTIONS = [
  "Routes",
  "Access",
  "Guardrails",
  "Models: reliability and selection",
  "Quotas and budgets",
  "Upstreams and targets",
  "Templates and classifiers",
  "Listener and stores",
] as const;
export type Section = (typeof SECTIONS)[number];

const SECTION_OF: Readonly<Record<EntityKind, Section>> = {
  route: "Routes",
  routing: "Routes",
  consumer: "Access",
  "guardrail-chain": "Guardrails",
  model: "Models: reliability and selection",
  quota: "Quotas and budgets",
  gateway: "Quotas and budgets",
  upstream: "Upstreams and targets",
  target: "Upstreams and targets",
  template: "Templates and classifiers",
  classifier: "Templates and classifiers",
  listener: "Listener and stores",
  stores: "Listener and stores",
  "cost-tags": "Quotas and budgets",
};

/** Fields shown in their own tables (traffic shares, attempt order), not in the generic sections. */
export function ownTable(kind: EntityKind, field: string): boolean {
  return kind === "model" && (field === "shares" || field === "attempts");
}

/** The section of one field change. */
export function sectionOf(kind: EntityKind, field: string): Section {
  if (kind === "route" && field === "guardrails") return "Guardrails";
  return SECTION_OF[kind];
}

/** The changes of a section, each entity with only the fields shown there. */
export function sectionChanges(changes: readonly EntityChange[], section: Section): EntityChange[] {
  return changes.flatMap((c) => {
    if (c.change !== "changed") return SECTION_OF[c.kind] === section ? [c] : [];
    const fields = c.fields.filter((f) => !ownTable(c.kind, f.field) && sectionOf(c.kind, f.field) === section);
    return fields.length === 0 ? [] : [{ ...c, fields }];
  });
}

/** "route `support`", "target `gpt-4o` on `openai`", "the listener". */
export function entityLabel(c: Pick<EntityChange, "kind" | "name">): string {
  switch (c.kind) {
    case "target": {
      const slash = c.name.indexOf("/");
      return slash < 0 ? `target \`${c.name}\`` : `target \`${c.name.slice(slash + 1)}\` on \`${c.name.slice(0, slash)}\``;
    }
    case "guardrail-chain":
      return `guardrail chain \`${c.name}\``;
    case "listener":
    case "stores":
    case "routing":
      return `the ${c.kind}`;
    case "gateway":
      return "quota order";
    default:
      return `${c.kind} \`${c.name}\``;
  }
}

const isTarget = (v: unknown): v is TargetRef => typeof v === "object" && v !== null && "provider" in v && "model" in v && Object.keys(v).length === 2;

/** "`gpt-4o` on `openai`". */
export function targetText(v: TargetRef | string): string {
  return typeof v === "string" ? `\`${v}\`` : `\`${v.model}\` on \`${v.provider}\``;
}

/** A field's value as a reader wants it: durations for `…Ms`, targets by name, lists joined. */
export function valueText(field: string, value: unknown): string {
  if (value === undefined) return "(unset)";
  if (value === null) return "none";
  if (typeof value === "number" && /Ms$/.test(field)) return formatDuration(value);
  if (isTarget(value)) return targetText(value);
  if (field === "attempts" && Array.isArray(value)) return attemptsText(value as { target: TargetRef | string; on: string[] | null }[]);
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((x) => typeof x === "string")) return value.length === 0 ? "(none)" : value.join(", ");
  return JSON.stringify(value);
}

/** "`a` on `p` → `b` on `q` (only after context_too_long)". */
export function attemptsText(entries: readonly { target: TargetRef | string; on: readonly string[] | null }[]): string {
  return entries.map((e) => `${targetText(e.target)}${e.on === null ? "" : ` (only after ${e.on.join(", ")})`}`).join(" → ");
}

/** "timeouts.total": the field without the `Ms` unit suffix. */
export function fieldName(field: string): string {
  return field.replace(/Ms(?=$|\.)/g, "");
}

/** "timeouts.total 30s → 1m". */
export function fieldChangeText(f: FieldChange): string {
  return `${fieldName(f.field)} ${valueText(f.field, f.before)} → ${valueText(f.field, f.after)}`;
}

/** A model's target shares before and after, for the traffic table: one row per target. */
export function shareRows(c: EntityChange): { target: string; before: number | null; after: number | null }[] {
  const f = c.fields.find((x) => x.field === "shares");
  if (f === undefined) return [];
  type Share = { target: TargetRef | string; share: number };
  const side = (v: unknown): Map<string, number> => new Map((Array.isArray(v) ? (v as Share[]) : []).map((s) => [targetText(s.target), s.share]));
  const [b, a] = [side(f.before), side(f.after)];
  return [...new Set([...b.keys(), ...a.keys()])].map((target) => ({ target, before: b.get(target) ?? null, after: a.get(target) ?? null }));
}

/** Findings of the same kind and subject together, in first-seen order. */
export function groupFindings(findings: readonly SecurityFinding[]): { kind: SecurityFinding["kind"]; subject: string; details: string[] }[] {
  const groups = new Map<string, { kind: SecurityFinding["kind"]; subject: string; details: string[] }>();
  for (const f of findings) {
    const key = `${f.kind}|${f.subject}`;
    const group = groups.get(key) ?? groups.set(key, { kind: f.kind, subject: f.subject, details: [] }).get(key)!;
    group.details.push(f.detail);
  }
  return [...groups.values()];
}
