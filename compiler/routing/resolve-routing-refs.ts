/**
 * The references of the routing features, checked by resolve-refs: pool and
 * classifier names (defined once; a pool may not take a provider's name), and what
 * route matchers name: classifiers, consumers and teams.
 */
import { type CompileContext, child } from "../context.js";
import { describePath } from "../diagnostics/describe-path.js";
import { suggestName } from "../diagnostics/suggest.js";
import type { Located, MergedPolicy, Origin } from "../ir.js";

/** Name tables of the routing features. */
export interface RoutingNames {
  readonly poolIndex: ReadonlyMap<string, number>;
  readonly classifierIndex: ReadonlyMap<string, number>;
}

/** Builds the pool and classifier name tables and reports unresolved route matcher names. */
export function resolveRoutingRefs(merged: MergedPolicy, providerIndex: ReadonlyMap<string, number>, ctx: CompileContext): RoutingNames {
  const poolIndex = names("pool", merged.pools, ctx);
  for (const { value: pool, at } of merged.pools) {
    if (providerIndex.has(pool.name)) ctx.report("pool-name-taken", { name: pool.name }, child(at, "name"));
  }
  const classifierIndex = names("classifier", merged.classifiers, ctx);
  const consumerNames = merged.consumers.map((c) => c.value.name);
  const teams = [...new Set(merged.consumers.flatMap((c) => (c.value.team === undefined ? [] : [c.value.team])))];
  const describe = (at: Origin): string => describePath(at.doc.value, at.path);

  for (const { value: route, at } of merged.routes) {
    const m = route.match;
    const each = (field: "classifier" | "consumer" | "team", check: (name: string, at: Origin) => void): void => {
      const value = m[field];
      if (value === undefined) return;
      if (typeof value === "string") check(value, child(at, "match", field));
      else value.forEach((name, i) => check(name, child(at, "match", field, i)));
    };
    each("classifier", (name, site) => {
      if (!classifierIndex.has(name)) {
        ctx.report("unknown-classifier", { what: describe(site), name }, site, { suggestion: suggestName(name, [...classifierIndex.keys()], "classifiers") });
      }
    });
    each("consumer", (name, site) => {
      if (!consumerNames.includes(name)) {
        ctx.report("unknown-route-consumer", { what: describe(site), name }, site, { suggestion: suggestName(name, consumerNames, "consumers") });
      }
    });
    each("team", (name, site) => {
      if (!teams.includes(name)) ctx.report("unknown-team", { what: describe(site), name }, site, { suggestion: suggestName(name, teams, "teams") });
    });
  }
  return { poolIndex, classifierIndex };
}

/** name → index of the first definition; a later one is a duplicate. */
function names(kind: string, items: readonly Located<{ name: string }>[], ctx: CompileContext): Map<string, number> {
  const table = new Map<string, number>();
  items.forEach(({ value, at }, i) => {
    const first = table.get(value.name);
    if (first === undefined) {
      table.set(value.name, i);
      return;
    }
    ctx.report("duplicate-name", { kind, name: value.name }, child(at, "name"), {
      related: [{ at: child(items[first]!.at, "name"), message: `\`${value.name}\` is first defined here` }],
    });
  });
  return table;
}
