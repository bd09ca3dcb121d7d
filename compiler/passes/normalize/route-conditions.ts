/**
 * A route's conditions beyond model name and headers, resolved at compile time:
 * `path` as a list; `consumer`, `team` and `consumerTags` folded into the one list
 * of consumer indices that pass all three (so the runtime tests one index); the
 * `promptTokens` bounds as an inclusive [min, max] range; classifier names as indices.
 */
import type { Route, TokenBound } from "../../../schemas/policy/route.js";
import { type CompileContext, child } from "../../context.js";
import type { Located, NormalizedConsumer, NormalizedRoute, RouteExtraConditions } from "../../ir.js";
import { normalizeTags } from "./tags.js";

/** The explicit routes (the first `routes.length` entries) with their extra conditions. */
export function withExtraConditions(
  normalized: readonly NormalizedRoute[],
  routes: readonly Located<Route>[],
  consumers: readonly NormalizedConsumer[],
  classifierIndex: ReadonlyMap<string, number>,
  ctx: CompileContext,
): NormalizedRoute[] {
  return normalized.map((route, i) => {
    const written = routes[i];
    if (route.implicit || written === undefined) return route;
    const extra = extraConditions(written, route.label, consumers, classifierIndex, ctx);
    return extra === null ? route : { ...route, extra };
  });
}

function extraConditions(
  { value: route, at }: Located<Route>,
  label: string,
  consumers: readonly NormalizedConsumer[],
  classifierIndex: ReadonlyMap<string, number>,
  ctx: CompileContext,
): RouteExtraConditions | null {
  const m = route.match;
  const list = (v: string | readonly string[] | undefined): readonly string[] | null => (v === undefined ? null : typeof v === "string" ? [v] : v);
  const paths = list(m.path);
  const names = list(m.consumer);
  const teams = list(m.team);
  const tags = m.consumerTags === undefined ? null : normalizeTags(m.consumerTags);
  let allowed: number[] | null = null;
  if (names !== null || teams !== null || tags !== null) {
    allowed = [];
    consumers.forEach((c, index) => {
      if (names !== null && !names.includes(c.name)) return;
      if (teams !== null && (c.team == null || !teams.includes(c.team))) return;
      if (tags !== null && [...tags].some(([k, v]) => c.tags.get(k) !== v)) return;
      allowed!.push(index);
    });
    if (allowed.length === 0) ctx.report("route-matches-no-consumer", { route: label }, child(at, "match"), { part: "key" });
  }
  const promptTokens = m.promptTokens === undefined ? null : tokenRange(m.promptTokens, label, child(at, "match", "promptTokens"), ctx);
  const classifiers = list(m.classifier)?.flatMap((name) => {
    const index = classifierIndex.get(name);
    return index === undefined ? [] : [index];
  });
  if (paths === null && allowed === null && promptTokens === null && classifiers === undefined) return null;
  return { paths: paths === null ? null : [...new Set(paths)], consumers: allowed, promptTokens, classifiers: classifiers ?? null };
}

/** gt/gte/lt/lte → an inclusive integer range; reports an empty one. */
function tokenRange(b: TokenBound, route: string, at: Located<unknown>["at"], ctx: CompileContext): { min: number; max: number | null } | null {
  const min = Math.max(b.gt === undefined ? 0 : b.gt + 1, b.gte ?? 0);
  const maxes = [b.lt === undefined ? undefined : b.lt - 1, b.lte].filter((x): x is number => x !== undefined);
  const max = maxes.length === 0 ? null : Math.min(...maxes);
  if (max !== null && min > max) {
    ctx.report("empty-token-range", { route, reason: `at least ${min} and at most ${max} tokens` }, at, { part: "key" });
    return null;
  }
  return { min, max };
}
