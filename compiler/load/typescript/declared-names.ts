/**
 * The names other documents of a compilation declare (providers and pools, models,
 * consumers, teams, guardrail sets, templates, classifiers), read from their values
 * as parsed (shape not yet checked), and the declaration that tells the TypeScript
 * checker about them: the global `TollgatePolicyNames` interface of schemas/define.ts.
 */
import type { NameKind } from "../../../schemas/define.js";

/** Names by kind. */
export type DeclaredNames = Readonly<Record<NameKind, readonly string[]>>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The `field` strings of the items of `list` (anything else is ignored: the shape pass reports it). */
function strings(list: unknown, field: string): string[] {
  return Array.isArray(list) ? list.flatMap((item) => (isRecord(item) && typeof item[field] === "string" ? [item[field]] : [])) : [];
}

/** The names the documents declare, by kind. */
export function declaredNames(documents: readonly unknown[]): DeclaredNames {
  const out: Record<NameKind, Set<string>> = {
    providers: new Set(),
    models: new Set(),
    consumers: new Set(),
    teams: new Set(),
    guardrails: new Set(),
    templates: new Set(),
    classifiers: new Set(),
  };
  for (const doc of documents) {
    if (!isRecord(doc)) continue;
    for (const n of [...strings(doc.providers, "name"), ...strings(doc.pools, "name")]) out.providers.add(n);
    for (const n of strings(doc.models, "name")) out.models.add(n);
    for (const n of strings(doc.consumers, "name")) out.consumers.add(n);
    for (const n of strings(doc.consumers, "team")) out.teams.add(n);
    for (const n of strings(doc.guardrails, "name")) out.guardrails.add(n);
    for (const n of strings(doc.templates, "name")) out.templates.add(n);
    for (const n of strings(doc.classifiers, "name")) out.classifiers.add(n);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()])) as unknown as DeclaredNames;
}

/** A global declaration file (no imports or exports) adding the names to `TollgatePolicyNames`; null when there are none. */
export function namesDeclaration(names: DeclaredNames): string | null {
  const members = Object.entries(names)
    .filter(([, list]) => list.length > 0)
    .map(([kind, list]) => `  readonly ${kind}: ${list.map((n) => JSON.stringify(n)).join(" | ")};`);
  if (members.length === 0) return null;
  return `// The names the YAML documents of this compilation declare (see TollgatePolicyNames in tollgate's define.ts).\ninterface TollgatePolicyNames {\n${members.join("\n")}\n}\n`;
}
