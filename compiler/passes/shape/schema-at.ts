/**
 * Looks up the zod schema that governs a policy path, so a zod issue can be explained
 * in the language's own terms: which fields an object allows (for "did you mean"),
 * and whether a value is a duration, a size, a secret reference or a key digest
 * (identified by schema identity, not by field name).
 */
import { z } from "zod";
import { Duration, SecretRef, Size } from "../../../schemas/policy/common.js";
import { KeySha256 } from "../../../schemas/policy/consumer.js";
import type { PolicyPath } from "../../ir.js";
import { quoteList } from "../../diagnostics/suggest.js";

/** The kinds of value that have their own diagnostic. */
export type ValueKind = "duration" | "size" | "secret-ref" | "key-digest" | "other";

/** Strips `.optional()` wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current;
}

/** The schema at `path` under `root`, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: PolicyPath): z.ZodType | undefined {
  let current = unwrap(root);
  for (const segment of path) {
    let next: z.ZodType | undefined;
    if (current instanceof z.ZodObject && typeof segment === "string") next = current.shape[segment] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray && typeof segment === "number") next = current.element as z.ZodType;
    // A map such as `match.headers`: every key has the value schema.
    else if (current instanceof z.ZodRecord && typeof segment === "string") next = current.valueType as z.ZodType;
    if (next === undefined) return undefined;
    current = unwrap(next);
  }
  return current;
}

/** The field names an object schema allows, in declaration order. */
export function fieldsOf(schema: z.ZodType | undefined): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** What kind of value the schema describes. */
export function valueKind(schema: z.ZodType | undefined): ValueKind {
  if (schema === Duration) return "duration";
  if (schema === Size) return "size";
  if (schema === SecretRef) return "secret-ref";
  if (schema === KeySha256) return "key-digest";
  return "other";
}

/** The expected value in words: "a list", "a duration such as `30s`", "`openai-compatible`". */
export function describeSchema(schema: z.ZodType | undefined): string {
  switch (valueKind(schema)) {
    case "duration":
      return "a duration such as `30s` or `500ms`";
    case "size":
      return "a size such as `4MiB` or `512KB`";
    case "secret-ref":
      return "a secret reference such as `env:OPENAI_API_KEY`";
    default:
      break;
  }
  if (schema instanceof z.ZodString) return "a string";
  if (schema instanceof z.ZodNumber) return schema.isInt ? "a whole number" : "a number";
  if (schema instanceof z.ZodBoolean) return "true or false";
  if (schema instanceof z.ZodArray) return "a list";
  if (schema instanceof z.ZodObject) return "a mapping";
  if (schema instanceof z.ZodLiteral) return quoteList([...schema.values].map(String), "or");
  if (schema instanceof z.ZodEnum) return "one of " + quoteList(schema.options.map(String), "or");
  if (schema instanceof z.ZodUnion) return schema.options.map((o) => describeSchema(o as z.ZodType)).join(" or ");
  return "a different value";
}
