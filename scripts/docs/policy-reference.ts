/**
 * Renders the policy reference (docs/reference/policy.md: a Markdown table per object)
 * from the policy's JSON Schema, itself generated from the zod sources: the reference
 * can then never disagree with what the compiler accepts.
 */
import { cell, generatedBanner, slug } from "./markdown.js";

interface Schema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minItems?: number;
}

function typeOf(s: Schema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((e) => `\`${JSON.stringify(e)}\``).join(" \\| ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" \\| ");
  if (s.type === "array") return `list of ${s.items ? typeOf(s.items) : "values"}`;
  if (s.type === "object" && s.properties) return "object";
  if (s.type === "object" && typeof s.additionalProperties === "object") return `map of ${typeOf(s.additionalProperties)}`;
  if (s.type === "string" && s.pattern) return "string";
  return Array.isArray(s.type) ? s.type.join(" \\| ") : (s.type ?? "value");
}

/** One documented object: its dotted path (`policy.providers[].compat`) and schema. */
interface Section {
  readonly title: string;
  readonly schema: Schema;
}

/** Every object of the schema that has fields, depth first, in the order a reader meets them. */
function sectionsOf(root: Schema): Section[] {
  const sections: Section[] = [];
  const visit = (title: string, s: Schema): void => {
    if (!s.properties) return;
    sections.push({ title, schema: s });
    for (const [name, p] of Object.entries(s.properties)) {
      const child = p.type === "array" ? p.items : p;
      if (child?.properties) visit(p.type === "array" ? `${title}.${name}[]` : `${title}.${name}`, child);
      // A map (e.g. `headers`): document the value schema under `<map>.<key>`.
      if (typeof child?.additionalProperties === "object") visit(`${title}.${name}.<key>`, child.additionalProperties);
      for (const alt of child?.items?.anyOf ?? []) if (alt.properties) visit(`${title}.${name}[]`, alt);
    }
  };
  visit("policy", root);
  return sections;
}

/** The section a field's own object is documented in, if any. */
function childTitle(parent: string, name: string, p: Schema, titles: ReadonlySet<string>): string | undefined {
  for (const candidate of [`${parent}.${name}`, `${parent}.${name}[]`, `${parent}.${name}.<key>`]) if (titles.has(candidate)) return candidate;
  return undefined;
}

/** Anchors of the section headings, numbered as GitHub numbers repeated headings. */
function anchorsOf(sections: readonly Section[]): string[] {
  const seen = new Map<string, number>();
  return sections.map(({ title }) => {
    const base = slug(`\`${title}\``);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  });
}

/** The Markdown reference for the root schema: every object as a table of its fields. */
export function policyReferenceSections(root: Schema): string {
  const sections = sectionsOf(root);
  const anchors = anchorsOf(sections);
  // The first section of a title is the one a field links to.
  const anchorOf = new Map<string, string>();
  sections.forEach((s, i) => anchorOf.has(s.title) || anchorOf.set(s.title, anchors[i]!));
  const titles = new Set(anchorOf.keys());
  return sections
    .map(({ title, schema: s }) => {
      const rows = Object.entries(s.properties ?? {}).map(([name, p]) => {
        const req = s.required?.includes(name) ? "yes" : "";
        const target = childTitle(title, name, p, titles);
        const type = target ? `[${typeOf(p)}](#${anchorOf.get(target)})` : typeOf(p);
        return `| \`${name}\` | ${type} | ${req} | ${cell(p.description ?? p.items?.description ?? "")} |`;
      });
      return `### \`${title}\`\n\n${cell(s.description ?? "")}\n\n| field | type | required | meaning |\n|---|---|---|---|\n${rows.join("\n")}\n`;
    })
    .join("\n");
}

/** docs/reference/policy.md: an introduction, a table of contents of the top-level fields, then every object. */
export function policyReferenceDocument(root: Schema): string {
  const sections = sectionsOf(root);
  const anchors = anchorsOf(sections);
  const topLevel = sections.map((s, i) => ({ title: s.title, anchor: anchors[i]! })).filter((s) => s.title.split(".").length <= 2);
  const toc = topLevel.map((s) => `- [\`${s.title}\`](#${s.anchor})`).join("\n");
  return [
    generatedBanner("the zod schemas in schemas/policy/"),
    "",
    "# Policy reference",
    "",
    "Every field a policy may hold, generated from the schemas the compiler validates against, so it",
    "cannot disagree with what `tollgate check` accepts. Each object is one table; a type that links",
    "leads to that object's own table. A duration is milliseconds as a number or a string such as",
    "`500ms`, `30s`, `5m`, `1h`; a size is bytes as a number or a string such as `512KiB`, `64MiB`,",
    "`10MB`; a secret is an `env:NAME` or `file:/absolute/path` reference, never the value. For",
    "editors, the same schemas are published as JSON Schema in",
    "[`schemas/generated/policy.schema.json`](../../schemas/generated/policy.schema.json)",
    "(`# yaml-language-server: $schema=…` at the top of a YAML file).",
    "",
    "The guides explain what the fields do together: [the policy language](../policy-language.md),",
    "[providers](../providers.md), [routing and reliability](../routing-and-reliability.md),",
    "[quotas and budgets](../quotas-and-budgets.md), [guardrails and caches](../guardrails-and-caches.md)",
    "and [operations](../operations.md).",
    "",
    "## Contents",
    "",
    toc,
    "",
    "## Objects",
    "",
    policyReferenceSections(root),
  ].join("\n");
}
