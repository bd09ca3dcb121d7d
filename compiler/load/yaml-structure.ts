/**
 * Structural checks the YAML library leaves to us, run on the node tree before it is
 * turned into JS values: duplicate keys (reported with the first occurrence as
 * related location), keys that are not plain scalars (JS objects cannot hold them),
 * and aliases without an anchor.
 */
import { type Node, isAlias, isMap, isNode, isScalar, visit } from "yaml";
import type { CompileContext } from "../context.js";
import { describeType } from "../diagnostics/describe-path.js";
import type { YamlDocument } from "../ir.js";
import { keyText, spanOfNode } from "./source-map.js";

/** Reports structural problems; returns true when there were none. */
export function checkYamlStructure(doc: YamlDocument, ctx: CompileContext): boolean {
  const before = ctx.errorCount;
  visit(doc.yaml, {
    Map(_key, map) {
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key) || key.value === null || typeof key.value === "object") {
          const where = isNode(key) ? spanOfNode(doc, key) : isNode(pair.value) ? spanOfNode(doc, pair.value) : spanOfNode(doc, map);
          const found = isMap(key) ? "a mapping" : isAlias(key) ? "an alias" : isScalar(key) ? describeType(key.value) : "an empty key";
          ctx.report("complex-key", { found }, where);
          continue;
        }
        const text = keyText(key) ?? "";
        const first = seen.get(text);
        if (first === undefined) {
          seen.set(text, key);
        } else {
          ctx.report("duplicate-key", { key: text }, spanOfNode(doc, key), {
            related: [{ at: spanOfNode(doc, first), message: `first \`${text}\` is here` }],
          });
        }
      }
    },
    Alias(_key, alias) {
      if (alias.resolve(doc.yaml) === undefined) ctx.report("unresolved-alias", { name: alias.source }, spanOfNode(doc, alias));
    },
  });
  return ctx.errorCount === before;
}
