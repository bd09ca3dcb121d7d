/**
 * Which policy fields hold secrets, read from the policy schema itself: a field typed
 * as a secret reference (`SecretRef`: provider and pool `apiKeys`, Bedrock
 * `accessKeyId`/`secretAccessKey`/`sessionToken`, Vertex `accessToken`, the admin
 * `token`, trace export `headers`, `stores.redis.url`, a cache `encryptionKey`, …) is
 * secret wherever it is, and a literal written there must be masked in every code frame.
 * A field that takes a reference or a plain value (an alert `webhook`) is `either`.
 * A new secret field in the schema is covered without a change here.
 */
import { z } from "zod";
import { SECRET_REF_PATTERN } from "../../schemas/policy/common.js";
import { GatewayPolicy } from "../../schemas/policy/gateway.js";
import type { PolicyPath } from "../ir.js";

/** How a field treats secrets. */
export type SecretMarking = "secret" | "either";

/** A field path of the schema: names, `[]` for any list item, `{}` for any map key. */
type FieldPath = readonly string[];

/** Unwraps optional, nullable and default wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return current;
}

/** A string schema carrying the secret-reference pattern (recognized through `.describe()` copies too). */
export function isSecretRef(schema: z.ZodType): boolean {
  const s = unwrap(schema);
  if (!(s instanceof z.ZodString)) return false;
  return (s.def.checks ?? []).some((check) => {
    const def: unknown = check._zod.def;
    return typeof def === "object" && def !== null && "pattern" in def && def.pattern instanceof RegExp && def.pattern.source === SECRET_REF_PATTERN.source;
  });
}

interface Field {
  readonly path: FieldPath;
  readonly marking: SecretMarking | null;
}

/** Every leaf field of the policy schema, with its marking. */
const FIELDS: readonly Field[] = (() => {
  const out: Field[] = [];
  const walk = (schema: z.ZodType, path: string[]): void => {
    const s = unwrap(schema);
    if (isSecretRef(s)) out.push({ path, marking: "secret" });
    else if (s instanceof z.ZodObject) for (const [key, field] of Object.entries(s.shape)) walk(field as z.ZodType, [...path, key]);
    else if (s instanceof z.ZodArray) walk(s.element as z.ZodType, [...path, "[]"]);
    else if (s instanceof z.ZodRecord) walk(s.valueType as z.ZodType, [...path, "{}"]);
    else if (s instanceof z.ZodUnion || s instanceof z.ZodDiscriminatedUnion) {
      const options = s.options as z.ZodType[];
      if (options.some(isSecretRef)) out.push({ path, marking: "either" });
      else for (const option of options) walk(option, path);
    } else if (s instanceof z.ZodPipe) walk(s.in as z.ZodType, path);
    else out.push({ path, marking: null });
  };
  walk(GatewayPolicy, []);
  return out;
})();

/** Every field name the schema has, anywhere (a name outside it is unknown to the language). */
const NAMES = new Set(FIELDS.flatMap((f) => f.path.filter((seg) => seg !== "[]" && seg !== "{}")));

/** Whether a path segment fits a schema segment; in a suffix, a map key is never one of the language's own field names. */
function segmentMatches(pattern: string, seg: string | number, suffix: boolean): boolean {
  if (pattern === "[]") return typeof seg === "number";
  if (pattern === "{}") return typeof seg === "string" && !(suffix && NAMES.has(seg));
  return pattern === seg;
}

/**
 * The marking of the field at `path`: the whole path from the document root (YAML), or,
 * with `suffix`, a path known only from its end (a TypeScript object literal that may
 * sit anywhere in the policy). Null when no secret field matches. A suffix that also
 * fits a plain field (`headers.x-team` of a policy test, say) is `either`.
 */
export function secretMarking(path: PolicyPath, mode: "whole" | "suffix" = "whole"): SecretMarking | null {
  let secret = false;
  let either = false;
  let plain = false;
  for (const field of FIELDS) {
    if (mode === "whole" ? field.path.length !== path.length : field.path.length < path.length || path.length === 0) continue;
    const offset = field.path.length - path.length;
    if (!path.every((seg, i) => segmentMatches(field.path[offset + i]!, seg, mode === "suffix"))) continue;
    if (field.marking === "secret") secret = true;
    else if (field.marking === "either") either = true;
    else plain = true;
  }
  return secret && !plain ? "secret" : secret || either ? "either" : null;
}

/**
 * True when the policy language has a field at `path`: from the document root
 * (`whole`), or anywhere (`suffix`, the end of a path). A field it does not have holds
 * no marking, so a credential-sounding name there is judged by its name.
 */
export function isKnownField(path: PolicyPath, mode: "whole" | "suffix" = "whole"): boolean {
  return FIELDS.some((field) => {
    const offsets = mode === "whole" ? [0] : Array.from({ length: Math.max(0, field.path.length - path.length + 1) }, (_, i) => i);
    return offsets.some((offset) => offset + path.length <= field.path.length && path.every((seg, i) => segmentMatches(field.path[offset + i]!, seg, mode === "suffix")));
  });
}
