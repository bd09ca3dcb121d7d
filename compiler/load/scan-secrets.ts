/**
 * Finds secret values written where a reference belongs, on the YAML node tree, so it
 * works even for documents with syntax errors and runs before anything prints a code
 * frame. Every finding uses a `redact` code: renderers mask its span in all frames of
 * the file, and no message quotes the value.
 *
 * Looked at, in any mapping:
 * - every field the policy schema types as a secret reference (analysis/secret-fields.ts:
 *   `apiKeys`, Bedrock `secretAccessKey`, `stores.redis.url`, trace `headers`, …) whose
 *   value is not an `env:`/`file:` reference;
 * - fields the language does not have whose names sound like a credential (`apiKey`,
 *   `password`, `client_secret`, …): a misspelt secret field still holds a secret;
 * - `keys` items that are plain strings (a consumer key written in clear);
 * - `sha256` values that are not 64 hex digits (often the key itself, pasted);
 * - and any URL with `user:password@` in it, whatever the field.
 */
import { type Node, isMap, isScalar, isSeq } from "yaml";
import { ConsumerKey } from "../../schemas/policy/consumer.js";
import { SecretRef } from "../../schemas/policy/common.js";
import type { CompileContext } from "../context.js";
import { describePath } from "../diagnostics/describe-path.js";
import type { PolicyPath, YamlDocument } from "../ir.js";
import { keyText, spanOfNode } from "./source-map.js";
import { isKnownField, secretMarking } from "../analysis/secret-fields.js";

/** Names that suggest a credential, for fields the language does not have (its own are marked by the schema). */
export const SECRET_FIELD =
  /^(api[-_]?keys?|tokens?|secrets?|passwords?|passwd|authorization|bearer|access[-_]?keys?(id)?|client[-_]?secrets?)$|secret|password|passwd|(auth|access|session|bearer|api|refresh|id)[-_]?tokens?$/i;

/** scheme://userinfo@…: a URL that carries credentials. */
export const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i;

/** Reports every literal secret in the document. */
export function scanSecrets(doc: YamlDocument, ctx: CompileContext): void {
  walk(doc.yaml.contents, [], (field, value, path) => {
    const guessed = SECRET_FIELD.test(field) && !isKnownField(path);
    for (const [node, at] of scalarsOf(value, path)) {
      if (typeof node.value === "string" && URL_WITH_CREDENTIALS.test(node.value.trim())) {
        ctx.report("url-credentials", { what: describePath(doc.value, at) }, spanOfNode(doc, node));
        continue;
      }
      const marking = secretMarking(at);
      if (marking !== "secret" && !guessed) continue;
      if (isLiteralSecret(node.value, marking === "secret")) ctx.report("literal-secret", { what: describePath(doc.value, at) }, spanOfNode(doc, node));
    }
    if (field === "keys" && isSeq(value)) {
      value.items.forEach((item, i) => {
        if (isScalar(item) && item.value !== null && typeof item.value !== "object") {
          ctx.report("literal-consumer-key", { what: describePath(doc.value, [...path, i]) }, spanOfNode(doc, item));
        }
      });
    } else if (field === "sha256" && isScalar(value) && typeof value.value === "string") {
      if (!ConsumerKey.shape.sha256.safeParse(value.value).success) {
        ctx.report("bad-key-hash", { what: describePath(doc.value, path) }, spanOfNode(doc, value));
      }
    }
  });
}

/**
 * A value written where a secret reference belongs: any string that is not one (and,
 * in a field the schema marks secret, a number or boolean: a numeric key is still a key).
 */
export function isLiteralSecret(value: unknown, marked: boolean): boolean {
  if (typeof value === "string") return value !== "" && !SecretRef.safeParse(value).success;
  return marked && (typeof value === "number" || typeof value === "boolean");
}

type Visitor = (field: string, value: unknown, path: PolicyPath) => void;

/** Visits every `key: value` pair with its policy path; aliases are not followed. */
function walk(node: unknown, path: PolicyPath, visitor: Visitor): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const field = keyText(pair.key);
      if (field === undefined) continue;
      const at = [...path, field];
      visitor(field, pair.value, at);
      walk(pair.value, at, visitor);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walk(item, [...path, i], visitor));
  }
}

/** The scalar itself, or the scalar items of a list, with their paths. */
function scalarsOf(value: unknown, path: PolicyPath): [Node & { value: unknown }, PolicyPath][] {
  if (isScalar(value)) return [[value, path]];
  if (!isSeq(value)) return [];
  const out: [Node & { value: unknown }, PolicyPath][] = [];
  value.items.forEach((item, i) => {
    if (isScalar(item)) out.push([item, [...path, i]]);
  });
  return out;
}
