/**
 * Names a place in a policy document the way its author thinks of it:
 * `["providers", 0, "timeouts", "connect"]` → "`timeouts.connect` of provider `openai`".
 * Works on any JSON-like root, including one that failed validation.
 */
import type { PolicyPath } from "../ir.js";
import { formatPath } from "../load/source-map.js";

/** Top-level lists whose items have a `name`, and what one item is called. */
const entityKinds: Readonly<Record<string, string>> = {
  providers: "provider",
  models: "model",
  routes: "route",
  consumers: "consumer",
  secrets: "secret",
  constraints: "constraint",
  templates: "template",
  stores: "store",
};

const MAX_NAME_CHARS = 60;

/** Describes the value at `path` inside `root`. */
export function describePath(root: unknown, path: PolicyPath): string {
  if (path.length === 0) return "the policy document";
  const [list, index] = path;
  const kind = typeof list === "string" ? entityKinds[list] : undefined;
  if (kind !== undefined && typeof index === "number") {
    const entity = entityLabel(kind, itemAt(root, list as string, index));
    const rest = path.slice(2);
    if (entity !== undefined) return rest.length === 0 ? entity : `\`${formatPath(rest)}\` of ${entity}`;
  }
  return "`" + formatPath(path) + "`";
}

/** "provider `openai`", "route for `gpt-*`", or undefined when the item has no usable name. */
function entityLabel(kind: string, item: unknown): string | undefined {
  if (!isRecord(item)) return undefined;
  const name = displayName(item.name);
  if (name !== undefined) return `${kind} \`${name}\``;
  if (kind === "route" && isRecord(item.match)) {
    const pattern = displayName(item.match.model);
    if (pattern !== undefined) return `route for \`${pattern}\``;
  }
  return undefined;
}

function itemAt(root: unknown, list: string, index: number): unknown {
  if (!isRecord(root)) return undefined;
  const items = root[list];
  return Array.isArray(items) ? items[index] : undefined;
}

/** A name fit to print: a short single-line string. */
function displayName(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "" || /[\r\n`]/.test(value)) return undefined;
  return value.length > MAX_NAME_CHARS ? value.slice(0, MAX_NAME_CHARS) + "…" : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const MAX_VALUE_CHARS = 40;

/**
 * A user value fit to quote in a message: short scalars verbatim (newlines escaped,
 * truncated). Only used for values that cannot be secrets (durations, kinds, versions).
 */
export function displayValue(value: unknown): string {
  if (typeof value === "string") {
    const oneLine = JSON.stringify(value).slice(1, -1).replace(/`/g, "'");
    return oneLine.length > MAX_VALUE_CHARS ? oneLine.slice(0, MAX_VALUE_CHARS) + "…" : oneLine;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return describeType(value);
}

/** "a string", "a list", "a mapping", "an empty value", … */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (ArrayBuffer.isView(value)) return "binary data";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      if (Number.isNaN(value)) return "NaN (not a number)";
      if (!Number.isFinite(value)) return "infinity";
      return Number.isInteger(value) ? "a whole number" : "a number";
    case "boolean":
      return "a boolean";
    case "object":
      return "a mapping";
    default:
      return typeof value;
  }
}
