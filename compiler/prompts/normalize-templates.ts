/**
 * Templates → plan templates, proving each one bound: every placeholder names a
 * declared variable (TG6601) and every declared variable is used (TG6602); a `{{`
 * that opens no placeholder is TG6603. Variable options must fit the type
 * (TG6607–TG6609, TG6612) and defaults must be valid values (TG6604).
 */
import type { PlanTemplate, PlanTemplateSegment, PlanTemplateVariable } from "../../schemas/plan/prompts.js";
import type { Template, TemplateVariable } from "../../schemas/policy/prompts.js";
import { type CompileContext, child } from "../context.js";
import type { Located, Origin } from "../ir.js";
import { parseTemplate } from "./parse-template.js";
import { spanInString } from "./span-in-string.js";

/** Longest string variable accepted when `maxLength` is not given. */
export const DEFAULT_MAX_STRING_LENGTH = 100_000;

/** Lowers the templates (first definition of each name; duplicates are reported by the caller). */
export function normalizeTemplates(templates: readonly Located<Template>[], ctx: CompileContext): PlanTemplate[] {
  return templates.map((t) => normalizeTemplate(t, ctx));
}

function normalizeTemplate({ value: t, at }: Located<Template>, ctx: CompileContext): PlanTemplate {
  const declared = Object.entries(t.variables ?? {});
  const indexOf = new Map(declared.map(([name], i) => [name, i]));
  const used = new Set<string>();
  const messages = t.messages.map((m, mi) => {
    const contentAt = child(at, "messages", mi, "content");
    const parsed = parseTemplate(m.content);
    for (const offset of parsed.malformed) {
      ctx.report("template-bad-placeholder", { template: t.name }, spanInString(contentAt, m.content, offset, 2));
    }
    const segments: PlanTemplateSegment[] = parsed.segments.map((s) => {
      if ("text" in s) return s.text;
      used.add(s.variable);
      const index = indexOf.get(s.variable);
      if (index === undefined) {
        ctx.report("template-undeclared-variable", { template: t.name, variable: s.variable }, spanInString(contentAt, m.content, s.offset, s.length));
        return { variable: 0 };
      }
      return { variable: index };
    });
    return { role: m.role, segments };
  });
  const variables = declared.map(([name, v]) => {
    const varAt = child(at, "variables", name);
    if (!used.has(name)) ctx.report("template-unused-variable", { template: t.name, variable: name }, varAt, { part: "key" });
    return normalizeVariable(t.name, name, v, varAt, ctx);
  });
  return { name: t.name, variables, messages };
}

function normalizeVariable(template: string, name: string, v: TemplateVariable, at: Origin, ctx: CompileContext): PlanTemplateVariable {
  const allowed: Record<PlanTemplateVariable["type"], readonly string[]> = {
    string: ["maxLength"],
    integer: ["min", "max"],
    number: ["min", "max"],
    boolean: [],
    enum: ["values"],
  };
  for (const option of ["maxLength", "min", "max", "values"] as const) {
    if (v[option] !== undefined && !allowed[v.type].includes(option)) {
      ctx.report("template-variable-option", { template, variable: name, type: v.type, option }, child(at, option), { part: "key" });
    }
  }
  if (v.type === "enum" && v.values === undefined) ctx.report("template-enum-without-values", { template, variable: name }, child(at, "type"));
  if (v.min !== undefined && v.max !== undefined && v.min > v.max) {
    ctx.report("template-min-above-max", { template, variable: name, min: v.min, max: v.max }, child(at, "min"));
  }
  if (v.required === true && v.default !== undefined) ctx.report("template-required-with-default", { template, variable: name }, child(at, "required"));
  const out: PlanTemplateVariable = { name, type: v.type, required: v.required ?? v.default === undefined };
  if (v.type === "string") out.maxLength = v.maxLength ?? DEFAULT_MAX_STRING_LENGTH;
  if (v.min !== undefined && (v.type === "integer" || v.type === "number")) out.min = v.min;
  if (v.max !== undefined && (v.type === "integer" || v.type === "number")) out.max = v.max;
  if (v.values !== undefined && v.type === "enum") out.values = [...v.values];
  if (v.default !== undefined) {
    const problem = defaultProblem(out, v.default);
    if (problem !== null) ctx.report("template-bad-default", { template, variable: name, type: v.type, reason: problem }, child(at, "default"));
    else out.default = String(v.default);
  }
  return out;
}

/** Why `value` is not a valid value of the variable, or null. Mirrors the runtime's check. */
function defaultProblem(v: PlanTemplateVariable, value: string | number | boolean): string | null {
  switch (v.type) {
    case "string":
      if (typeof value !== "string") return "it is not a string";
      return value.length > (v.maxLength ?? Infinity) ? `it is longer than ${v.maxLength} characters` : null;
    case "boolean":
      return typeof value === "boolean" ? null : "it is not true or false";
    case "enum":
      return typeof value === "string" && (v.values ?? []).includes(value) ? null : `it is not one of ${(v.values ?? []).map((x) => `\`${x}\``).join(", ")}`;
    case "integer":
    case "number":
      if (typeof value !== "number" || (v.type === "integer" && !Number.isInteger(value))) return `it is not a${v.type === "integer" ? "n integer" : " number"}`;
      if (v.min !== undefined && value < v.min) return `it is below the minimum ${v.min}`;
      if (v.max !== undefined && value > v.max) return `it is above the maximum ${v.max}`;
      return null;
  }
}
