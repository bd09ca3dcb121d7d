/**
 * Every secret reference in a policy, wherever the schema allows one (provider
 * `apiKeys` today; any field typed as a secret reference tomorrow). Found by walking
 * each document together with its schema, so a new secret field is covered without a
 * change here.
 */
import { z } from "zod";
import { SECRET_REF_PATTERN } from "../../schemas/policy/common.js";
import { GatewayPolicy } from "../../schemas/policy/gateway.js";
import type { Origin, PolicyPath, ShapedDocument } from "../ir.js";

/** One `env:`/`file:` reference and where it is written. */
export interface SecretUse {
  readonly ref: string;
  /** The environment variable of an `env:` reference; null for `file:`. */
  readonly envName: string | null;
  readonly at: Origin;
}

const memo = new WeakMap<readonly ShapedDocument[], SecretUse[]>();

/** Every secret reference of the documents, in document order (computed once per document list). */
export function secretReferences(documents: readonly ShapedDocument[]): readonly SecretUse[] {
  const cached = memo.get(documents);
  if (cached !== undefined) return cached;
  const out: SecretUse[] = [];
  for (const { source, policy } of documents) {
    walk(GatewayPolicy, policy, [], (ref, path) => {
      out.push({ ref, envName: ref.startsWith("env:") ? ref.slice("env:".length) : null, at: { doc: source, path } });
    });
  }
  memo.set(documents, out);
  return out;
}

/** True when some document has a `secrets` list, even an empty one (which declares that none are used). */
export function declaresSecrets(policy: { readonly documents: readonly ShapedDocument[] }): boolean {
  return policy.documents.some((d) => d.policy.secrets !== undefined);
}

function walk(schema: z.ZodType, value: unknown, path: PolicyPath, found: (ref: string, path: PolicyPath) => void): void {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType;
  }
  if (isSecretRef(current)) {
    if (typeof value === "string") found(value, path);
  } else if (current instanceof z.ZodObject && isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      const field = current.shape[key] as z.ZodType | undefined;
      if (field !== undefined) walk(field, item, [...path, key], found);
    }
  } else if (current instanceof z.ZodArray && Array.isArray(value)) {
    value.forEach((item, i) => walk(current.element as z.ZodType, item, [...path, i], found));
  } else if (current instanceof z.ZodUnion && typeof value === "string") {
    // A field that takes a secret reference or a plain value (an alert webhook): a reference when it looks like one.
    if ((current.options as z.ZodType[]).some(isSecretRef) && SECRET_REF_PATTERN.test(value)) found(value, path);
  } else if (current instanceof z.ZodRecord && isRecord(value)) {
    for (const [key, item] of Object.entries(value)) walk(current.valueType as z.ZodType, item, [...path, key], found);
  }
}

/** A string schema carrying the secret-reference pattern (recognized through `.describe()` copies too). */
function isSecretRef(schema: z.ZodType): boolean {
  if (!(schema instanceof z.ZodString)) return false;
  return (schema.def.checks ?? []).some((check) => {
    const def: unknown = check._zod.def;
    return isRecord(def) && def.pattern instanceof RegExp && def.pattern.source === SECRET_REF_PATTERN.source;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
