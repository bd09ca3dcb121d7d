/**
 * Plans to generate diff pairs from, and the field paths of the plan schema: every
 * golden case's plan.json (test/compiler/cases/), each a compiled, valid plan. Paths
 * are written with `[]` for array items and `{}` for map values, so a sample's paths
 * and the schema's can be compared.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Plan } from "../../schemas/plan/plan.js";

const CASES = fileURLToPath(new URL("../compiler/cases/", import.meta.url));

/** Every golden plan, by case name. */
export function samplePlans(): { name: string; plan: Plan }[] {
  return readdirSync(CASES)
    .sort()
    .filter((name) => existsSync(join(CASES, name, "plan.json")))
    .map((name) => ({ name, plan: Plan.parse(JSON.parse(readFileSync(join(CASES, name, "plan.json"), "utf8"))) }));
}

/** Maps whose keys are data (names), not fields: their values are `{}` in paths. */
const RECORDS = new Set([
  "routing.exact",
  "routing.guarded",
  "listener.traces.headers",
  "upstreams[].options.quirks.renameParams",
  "consumers[].keyExpiry",
  "consumers[].tags",
  "consumers[].keyTags[]",
]);

/** The leaf paths of a plan value (`models[].reliability.retries`). */
export function valuePaths(value: unknown, prefix = "", out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) valuePaths(item, `${prefix}[]`, out);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (RECORDS.has(prefix)) valuePaths(item, `${prefix}{}`, out);
      else valuePaths(item, prefix === "" ? key : `${prefix}.${key}`, out);
    }
  } else if (value !== null) out.add(prefix);
  return out;
}

/** The leaf paths the plan schema allows. */
export function schemaPaths(): Set<string> {
  const out = new Set<string>();
  const walk = (schema: z.ZodType, path: string): void => {
    let s: z.ZodType = schema;
    while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    if (s instanceof z.ZodObject) for (const [key, field] of Object.entries(s.shape)) walk(field as z.ZodType, path === "" ? key : `${path}.${key}`);
    else if (s instanceof z.ZodArray) walk(s.element as z.ZodType, `${path}[]`);
    else if (s instanceof z.ZodRecord) walk(s.valueType as z.ZodType, `${path}{}`);
    else if ((s instanceof z.ZodUnion || s instanceof z.ZodDiscriminatedUnion) && (s.options as z.ZodType[]).some((o) => o instanceof z.ZodObject)) {
      for (const option of s.options as z.ZodType[]) walk(option, path);
    } else out.add(path);
  };
  walk(Plan, "");
  return out;
}
