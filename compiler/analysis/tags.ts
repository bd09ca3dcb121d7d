/** Matching tags against a constraint's selectors, and naming them in messages. */
import type { Tags } from "../ir.js";

/** True when `tags` carries every name: value pair of `required`. */
export function hasAllTags(tags: Tags, required: Tags): boolean {
  for (const [name, value] of required) if (tags.get(name) !== value) return false;
  return true;
}

/** The pairs of `required` that `tags` lacks, as "`region: eu` and `zdr: true`". */
export function missingTags(tags: Tags, required: Tags): string[] {
  return [...required].filter(([name, value]) => tags.get(name) !== value).map(([name, value]) => `\`${name}: ${value}\``);
}

/** "`region: eu` and `zdr: true`". */
export function describeTags(tags: Tags): string {
  const pairs = [...tags].map(([name, value]) => `\`${name}: ${value}\``);
  return pairs.length <= 1 ? (pairs[0] ?? "no tags") : `${pairs.slice(0, -1).join(", ")} and ${pairs.at(-1) ?? ""}`;
}
