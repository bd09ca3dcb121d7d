/**
 * Renders the policy reference (a Markdown table per object) from the policy's JSON
 * Schema, itself generated from the zod sources: the README's reference can then
 * never disagree with what the compiler accepts.
 */

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

function escape(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The Markdown reference for the root schema. */
export function policyReference(root: Schema): string {
  const sections: string[] = [];
  const visit = (title: string, s: Schema): void => {
    if (!s.properties) return;
    const rows = Object.entries(s.properties).map(([name, p]) => {
      const req = s.required?.includes(name) ? "yes" : "";
      return `| \`${name}\` | ${typeOf(p)} | ${req} | ${escape(p.description ?? p.items?.description ?? "")} |`;
    });
    sections.push(`#### \`${title}\`\n\n${escape(s.description ?? "")}\n\n| field | type | required | meaning |\n|---|---|---|---|\n${rows.join("\n")}\n`);
    for (const [name, p] of Object.entries(s.properties)) {
      const child = p.type === "array" ? p.items : p;
      if (child?.properties) visit(p.type === "array" ? `${title}.${name}[]` : `${title}.${name}`, child);
      // A map (e.g. `headers`): document the value schema under `<map>.<key>`.
      if (typeof child?.additionalProperties === "object") visit(`${title}.${name}.<key>`, child.additionalProperties);
      for (const alt of child?.items?.anyOf ?? []) if (alt.properties) visit(`${title}.${name}[]`, alt);
    }
  };
  visit("policy", root);
  return sections.join("\n");
}
