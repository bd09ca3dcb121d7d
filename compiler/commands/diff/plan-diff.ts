/**
 * The behaviour that differs between two plans, not their text: per model, the share
 * of first attempts each target gets and the attempt order after a failure; which
 * model a requested name reaches; routes added, removed, retargeted or reordered;
 * which consumer gained or lost which model; upstream timeouts, connections and
 * endpoints; listener limits. Everything is keyed by name (targets by "model on
 * provider"), so renumbered plan indices are not changes.
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import { canonicalJson } from "../../../schemas/plan/canonical.js";
import { pickShares } from "../../decision/decide.js";
import { matchRoute } from "../../decision/match-route.js";
import { diffQuotas, quotaChangeCount, type QuotaDiff } from "./quota-diff.js";

/** A value before and after; null on the side where it does not exist. */
export interface Change<T> {
  readonly before: T | null;
  readonly after: T | null;
}

/** Changes of one model. */
export interface ModelDiff {
  readonly model: string;
  /** Target label → first-attempt share; only when some share changed. */
  readonly shares: readonly ({ readonly target: string } & Change<number>)[];
  /** The attempt order after a failure, as target labels; only when it changed. */
  readonly attempts: Change<readonly string[]> | null;
}

/** Changes of one upstream's settings, by field (`timeouts.firstByteMs`, `connections`, …). */
export interface UpstreamDiff {
  readonly upstream: string;
  readonly fields: readonly ({ readonly field: string } & Change<string>)[];
}

/** Everything that differs. Empty lists mean no change. */
export interface PlanDiff {
  readonly models: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly ModelDiff[] };
  readonly routes: {
    readonly added: readonly { readonly route: string; readonly model: string }[];
    readonly removed: readonly { readonly route: string; readonly model: string }[];
    readonly retargeted: readonly ({ readonly route: string } & Change<string>)[];
    /** The first-match order of the routes both plans have; only when it changed. */
    readonly order: Change<readonly string[]> | null;
  };
  /** Requested names (exact routes) whose model changed, or that now get 404 (after: null). */
  readonly names: readonly ({ readonly name: string } & Change<string>)[];
  readonly consumers: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly access: readonly { readonly consumer: string; readonly gained: readonly string[]; readonly lost: readonly string[] }[];
    readonly keys: readonly { readonly consumer: string; readonly added: number; readonly removed: number }[];
  };
  readonly upstreams: { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly UpstreamDiff[] };
  readonly listener: readonly ({ readonly field: string } & Change<string>)[];
  /** Quotas and budgets added, removed or changed. */
  readonly quotas: QuotaDiff;
}

/** Compares two plans. */
export function diffPlans(before: Plan, after: Plan): PlanDiff {
  return {
    models: diffModels(before, after),
    routes: diffRoutes(before, after),
    names: diffNames(before, after),
    consumers: diffConsumers(before, after),
    upstreams: diffUpstreams(before, after),
    listener: diffFields(before.listener, after.listener, ""),
    quotas: diffQuotas(before, after),
  };
}

/** The number of changes, for the summary line and the exit code. */
export function countChanges(diff: PlanDiff): number {
  const { models, routes, names, consumers, upstreams, listener } = diff;
  return (
    models.added.length +
    models.removed.length +
    models.changed.length +
    routes.added.length +
    routes.removed.length +
    routes.retargeted.length +
    (routes.order === null ? 0 : 1) +
    names.length +
    consumers.added.length +
    consumers.removed.length +
    consumers.access.length +
    consumers.keys.length +
    upstreams.added.length +
    upstreams.removed.length +
    upstreams.changed.length +
    listener.length +
    quotaChangeCount(diff.quotas)
  );
}

/** "`gpt-4o-mini` on `openai`": how a target is named across plans. */
function label(plan: Plan, target: number): string {
  const t = plan.targets[target];
  return `\`${t?.model ?? "?"}\` on \`${plan.upstreams[t?.upstream ?? -1]?.name ?? "?"}\``;
}

function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, { item: T; index: number }> {
  return new Map(items.map((item, index) => [item.name, { item, index }]));
}

function diffModels(before: Plan, after: Plan): PlanDiff["models"] {
  const old = byName(before.models);
  const now = byName(after.models);
  const changed: ModelDiff[] = [];
  for (const [name, { index }] of now) {
    const was = old.get(name);
    if (was === undefined) continue;
    const sharesBefore = new Map(pickShares(before, was.index).map((p) => [label(before, p.target), p.share]));
    const sharesAfter = new Map(pickShares(after, index).map((p) => [label(after, p.target), p.share]));
    const targets = [...new Set([...sharesBefore.keys(), ...sharesAfter.keys()])];
    const moved = targets.some((t) => Math.abs((sharesBefore.get(t) ?? 0) - (sharesAfter.get(t) ?? 0)) > 1e-9);
    const shares = moved ? targets.map((target) => ({ target, before: sharesBefore.get(target) ?? null, after: sharesAfter.get(target) ?? null })) : [];
    const orderBefore = was.item.fallbacks.map((t) => label(before, t));
    const orderAfter = (after.models[index]?.fallbacks ?? []).map((t) => label(after, t));
    const attempts = sameList(orderBefore, orderAfter) ? null : { before: orderBefore, after: orderAfter };
    if (shares.length > 0 || attempts !== null) changed.push({ model: name, shares, attempts });
  }
  return { added: [...now.keys()].filter((n) => !old.has(n)), removed: [...old.keys()].filter((n) => !now.has(n)), changed };
}

function diffRoutes(before: Plan, after: Plan): PlanDiff["routes"] {
  const modelOf = (plan: Plan, model: number): string => plan.models[model]?.name ?? "?";
  const old = byName(before.routing.routes);
  const now = byName(after.routing.routes);
  const added = [...now.values()].filter(({ item }) => !old.has(item.name)).map(({ item }) => ({ route: item.name, model: modelOf(after, item.model) }));
  const removed = [...old.values()].filter(({ item }) => !now.has(item.name)).map(({ item }) => ({ route: item.name, model: modelOf(before, item.model) }));
  const retargeted = [...now.values()].flatMap(({ item }) => {
    const was = old.get(item.name);
    if (was === undefined) return [];
    const [b, a] = [modelOf(before, was.item.model), modelOf(after, item.model)];
    return b === a ? [] : [{ route: item.name, before: b, after: a }];
  });
  const common = (plan: Plan, other: ReadonlyMap<string, unknown>): string[] => plan.routing.routes.map((r) => r.name).filter((n) => other.has(n));
  const orderBefore = common(before, now);
  const orderAfter = common(after, old);
  return { added, removed, retargeted, order: sameList(orderBefore, orderAfter) ? null : { before: orderBefore, after: orderAfter } };
}

/** Every exact name of either plan, resolved (without headers) in both. */
function diffNames(before: Plan, after: Plan): PlanDiff["names"] {
  const names = new Set([...exactNames(before), ...exactNames(after)]);
  const served = (plan: Plan, name: string): string | null => {
    const match = matchRoute(plan, name);
    return match === null ? null : (plan.models[plan.routing.routes[match.route]?.model ?? -1]?.name ?? null);
  };
  return [...names].sort().flatMap((name) => {
    const [b, a] = [served(before, name), served(after, name)];
    // A name that appears is a new model or route, reported there; one that changes or disappears is news.
    return b === null || b === a ? [] : [{ name, before: b, after: a }];
  });
}

function exactNames(plan: Plan): string[] {
  return [...Object.keys(plan.routing.exact), ...Object.keys(plan.routing.guarded ?? {})];
}

function diffConsumers(before: Plan, after: Plan): PlanDiff["consumers"] {
  const old = byName(before.consumers);
  const now = byName(after.consumers);
  const allowed = (plan: Plan, flags: readonly boolean[]): Set<string> => new Set(plan.models.filter((_m, i) => flags[i] === true).map((m) => m.name));
  const access: { consumer: string; gained: string[]; lost: string[] }[] = [];
  const keys: { consumer: string; added: number; removed: number }[] = [];
  for (const [name, { item }] of now) {
    const was = old.get(name);
    if (was === undefined) continue;
    const [b, a] = [allowed(before, was.item.allowedModels), allowed(after, item.allowedModels)];
    const gained = [...a].filter((m) => !b.has(m));
    const lost = [...b].filter((m) => !a.has(m));
    if (gained.length + lost.length > 0) access.push({ consumer: name, gained, lost });
    const addedKeys = item.keySha256.filter((k) => !was.item.keySha256.includes(k)).length;
    const removedKeys = was.item.keySha256.filter((k) => !item.keySha256.includes(k)).length;
    if (addedKeys + removedKeys > 0) keys.push({ consumer: name, added: addedKeys, removed: removedKeys });
  }
  return { added: [...now.keys()].filter((n) => !old.has(n)), removed: [...old.keys()].filter((n) => !now.has(n)), access, keys };
}

function diffUpstreams(before: Plan, after: Plan): PlanDiff["upstreams"] {
  const old = byName(before.upstreams);
  const now = byName(after.upstreams);
  const changed: UpstreamDiff[] = [];
  for (const [name, { item }] of now) {
    const was = old.get(name);
    if (was === undefined) continue;
    const { name: _a, ...rest } = item;
    const { name: _b, ...restBefore } = was.item;
    const fields = diffFields(restBefore, rest, "");
    if (fields.length > 0) changed.push({ upstream: name, fields });
  }
  return { added: [...now.keys()].filter((n) => !old.has(n)), removed: [...old.keys()].filter((n) => !now.has(n)), changed };
}

/** Leaf-by-leaf comparison of two plain objects (objects recurse; arrays and scalars compare whole). */
function diffFields(before: unknown, after: unknown, prefix: string): ({ field: string } & Change<string>)[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffFields(before[key], after[key], prefix === "" ? key : `${prefix}.${key}`));
  }
  const show = (v: unknown): string | null => (v === undefined ? null : canonicalJson(v));
  const [b, a] = [show(before), show(after)];
  return b === a ? [] : [{ field: prefix, before: b, after: a }];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
