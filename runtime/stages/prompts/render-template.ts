/**
 * Renders a compiled template: checks the client's variables against their declared
 * types, then concatenates the precompiled segments. No parsing, no evaluation; the
 * output is bounded by the segments and each string variable's `maxLength`.
 */
import type { PlanTemplate, PlanTemplateVariable } from "../../../schemas/plan/prompts.js";

/** A rendered message (a chat message: a type, not an interface, so it is one). */
export type RenderedMessage = {
  role: string;
  content: string;
};

export type RenderResult = { ok: true; messages: RenderedMessage[] } | { ok: false; message: string; param: string };

/** Renders `template` with the client's `variables` (an object, or undefined when none were sent). */
export function renderTemplate(template: PlanTemplate, variables: unknown): RenderResult {
  if (variables !== undefined && (variables === null || typeof variables !== "object" || Array.isArray(variables))) {
    return { ok: false, message: "`variables` must be an object of template variables", param: "variables" };
  }
  const given = (variables ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!template.variables.some((v) => v.name === name)) {
      const known = template.variables.map((v) => `\`${v.name}\``).join(", ") || "none";
      return { ok: false, message: `template \`${template.name}\` has no variable \`${name.slice(0, 64)}\` (it has: ${known})`, param: `variables.${name.slice(0, 64)}` };
    }
  }
  const texts: string[] = [];
  for (const v of template.variables) {
    const value = Object.hasOwn(given, v.name) ? given[v.name] : undefined;
    if (value === undefined || value === null) {
      if (v.default !== undefined) texts.push(v.default);
      else if (v.required) return { ok: false, message: `template \`${template.name}\` needs variable \`${v.name}\` (${describeType(v)})`, param: `variables.${v.name}` };
      else texts.push("");
      continue;
    }
    const problem = valueProblem(v, value);
    if (problem !== null) return { ok: false, message: `variable \`${v.name}\` of template \`${template.name}\` ${problem}`, param: `variables.${v.name}` };
    texts.push(String(value));
  }
  const messages = template.messages.map((m) => {
    let content = "";
    for (const s of m.segments) content += typeof s === "string" ? s : texts[s.variable]!;
    return { role: m.role, content };
  });
  return { ok: true, messages };
}

function describeType(v: PlanTemplateVariable): string {
  return v.type === "enum" ? `one of ${(v.values ?? []).map((x) => JSON.stringify(x)).join(", ")}` : `a ${v.type}`;
}

/** Why `value` is not acceptable for `v`, or null. */
function valueProblem(v: PlanTemplateVariable, value: unknown): string | null {
  switch (v.type) {
    case "string":
      if (typeof value !== "string") return `must be a string, not ${jsonType(value)}`;
      return v.maxLength !== undefined && value.length > v.maxLength ? `is longer than ${v.maxLength} characters` : null;
    case "boolean":
      return typeof value === "boolean" ? null : `must be true or false, not ${jsonType(value)}`;
    case "enum":
      return typeof value === "string" && (v.values ?? []).includes(value) ? null : `must be ${describeType(v)}`;
    case "integer":
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return `must be a${v.type === "integer" ? "n integer" : " number"}, not ${jsonType(value)}`;
      if (v.type === "integer" && !Number.isInteger(value)) return "must be an integer";
      if (v.min !== undefined && value < v.min) return `must be at least ${v.min}`;
      if (v.max !== undefined && value > v.max) return `must be at most ${v.max}`;
      return null;
  }
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
