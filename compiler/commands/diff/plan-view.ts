/**
 * The behaviour a plan describes, as a set of named entities with flat fields, so two
 * plans can be compared field by field without their indices: every cross-reference
 * (an index into `upstreams`, `targets`, `models`, `routes`, `consumers`, `templates`,
 * classifier names, guardrail chains, a model mask, a template variable) is replaced
 * by the referenced entity's name, and lists whose order does not matter are sorted.
 *
 * Everything in the plan is in the view except what does not change what the gateway
 * does (`planVersion`, `compilerVersion`, `hash`), and what the runtime derives
 * from other fields only through indices (the order of the entity arrays). Nested
 * settings are flattened generically (`timeouts.totalMs`), so a field added to the
 * plan inside an entity appears here without an edit; a new reference or a new top-level
 * part needs one, and test/compiler/plan-diff-property.test.ts fails until it has it.
 */
import type { Plan, PlanModel, PlanRoute } from "../../../schemas/plan/plan.js";
import type { PlanGuardrailChain, PlanGuardrailScan } from "../../../schemas/plan/guardrails.js";
import { DEFAULT_FALLBACK_ON } from "../../../schemas/plan/constants.js";

/** The kinds of entities, in the order a reader meets them. */
export const ENTITY_KINDS = [
  "listener",
  "stores",
  "cost-tags",
  "upstream",
  "target",
  "model",
  "routing",
  "route",
  "classifier",
  "consumer",
  "template",
  "guardrail-chain",
  "quota",
  "gateway",
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** A target as other entities refer to it. */
export interface TargetRef {
  readonly provider: string;
  readonly model: string;
}

/** One entity: its fields (dotted paths) with plain JSON values. */
export interface ViewEntity {
  readonly kind: EntityKind;
  readonly name: string;
  readonly fields: ReadonlyMap<string, unknown>;
}

/** Every entity, by `kind:name`. */
export type PlanView = ReadonlyMap<string, ViewEntity>;

/** The identity of an entity in a view. */
export function entityId(kind: EntityKind, name: string): string {
  return `${kind}:${name}`;
}

/** Names made unique in order (a second `x` becomes `x#2`), so a malformed plan still has one entity per entry. */
function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const count = (seen.get(n) ?? 0) + 1;
    seen.set(n, count);
    return count === 1 ? n : `${n}#${count}`;
  });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Flattens nested settings into dotted fields; arrays and scalars are leaves. `[key]` segments join without a dot. */
export function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value === undefined) return;
  // An empty map holds nothing (no PII rule, no header): the same as no field at all.
  if (isPlainObject(value) && Object.keys(value).length === 0 && prefix !== "") return;
  if (isPlainObject(value)) {
    for (const key of Object.keys(value).sort()) {
      const path = prefix === "" ? key : key.startsWith("[") ? `${prefix}${key}` : `${prefix}.${key}`;
      flatten(value[key], path, out);
    }
    return;
  }
  out.set(prefix, value);
}

/** An array as an object keyed by `[key]` (duplicates numbered), for flattening. */
function keyed<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => unknown = (x) => x): Record<string, unknown> {
  const names = uniqueNames(items.map(key));
  return Object.fromEntries(items.map((item, i) => [`[${names[i]}]`, value(item)]));
}

const sorted = <T>(items: readonly T[]): T[] => [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));

/** Ratios rounded to 12 significant digits, so equal shares from different weights compare equal. */
const ratio = (x: number): number => Number(x.toPrecision(12));

/** The names every index resolves to, computed once per plan. */
class Names {
  readonly upstreams: string[];
  readonly targets: TargetRef[];
  readonly targetKeys: string[];
  readonly models: string[];
  readonly routes: string[];
  readonly consumers: string[];
  readonly templates: string[];
  readonly classifiers: string[];
  readonly chains: string[];

  constructor(plan: Plan) {
    this.upstreams = uniqueNames(plan.upstreams.map((u) => u.name));
    this.targets = plan.targets.map((t) => ({ provider: this.upstreams[t.upstream] ?? "?", model: t.model }));
    this.targetKeys = uniqueNames(this.targets.map(targetKey));
    this.models = uniqueNames(plan.models.map((m) => m.name));
    this.routes = uniqueNames(plan.routing.routes.map((r) => r.name));
    this.consumers = uniqueNames(plan.consumers.map((c) => c.name));
    this.templates = uniqueNames((plan.templates ?? []).map((t) => t.name));
    this.classifiers = uniqueNames(plan.routing.classifiers?.names ?? []);
    this.chains = uniqueNames((plan.guardrails?.chains ?? []).map((c) => c.name));
  }

  /** A target as a structured reference (its key, `provider/model`, when it is a duplicate). */
  target(i: number): TargetRef | string {
    const key = this.targetKeys[i];
    const ref = this.targets[i];
    return key === undefined || ref === undefined ? "?" : key === targetKey(ref) ? ref : key;
  }

  /** The names a mask selects, sorted; "all" for null. */
  mask(mask: readonly boolean[] | null, names: readonly string[]): string[] | "all" {
    return mask === null ? "all" : names.filter((_n, i) => mask[i] === true).sort();
  }
}

/** `provider/model`: a target's key among entities. */
export function targetKey(t: TargetRef): string {
  return `${t.provider}/${t.model}`;
}

/** Builds the view of a plan. */
export function planView(plan: Plan): PlanView {
  const names = new Names(plan);
  const out = new Map<string, ViewEntity>();
  const add = (kind: EntityKind, name: string, build: (fields: Map<string, unknown>) => void): void => {
    const fields = new Map<string, unknown>();
    build(fields);
    out.set(entityId(kind, name), { kind, name, fields });
  };
  add("listener", "listener", (f) => {
    const { alerts, ...rest } = plan.listener;
    flatten(rest, "", f);
    if (alerts !== undefined) {
      const { rules, ...alertRest } = alerts;
      flatten({ alerts: { ...alertRest, rules: keyed(rules, (r) => r.name) } }, "", f);
    }
  });
  if (plan.stores !== undefined) add("stores", "stores", (f) => flatten(plan.stores, "", f));
  if (plan.costTags !== undefined) add("cost-tags", "costTags", (f) => flatten(plan.costTags, "", f));
  plan.upstreams.forEach((u, i) => add("upstream", names.upstreams[i]!, (f) => flatten({ ...u, name: undefined }, "", f)));
  plan.targets.forEach((t, i) => add("target", names.targetKeys[i]!, (f) => flatten({ price: t.price ?? null, contextWindow: t.contextWindow ?? null }, "", f)));
  plan.models.forEach((m, i) => add("model", names.models[i]!, (f) => modelFields(m, names, f)));
  add("routing", "routing", (f) => routingFields(plan, names, f));
  plan.routing.routes.forEach((r, i) => add("route", names.routes[i]!, (f) => routeFields(plan, r, i, names, f)));
  const table = plan.routing.classifiers;
  names.classifiers.forEach((name, c) =>
    add("classifier", name, (f) => {
      f.set("keywords", sorted((table?.keywords ?? []).filter((k) => k.classifier === c).map((k) => ({ text: k.text, caseSensitive: k.caseSensitive, wholeWord: k.wholeWord }))));
      f.set("pattern", table?.patterns[c] ?? null);
    }),
  );
  plan.consumers.forEach((c, i) =>
    add("consumer", names.consumers[i]!, (f) => {
      f.set("keys", [...c.keySha256, ...(c.keyHmac ?? [])].sort());
      if (c.keyExpiry !== undefined) f.set("keyExpiry", Object.fromEntries(Object.entries(c.keyExpiry).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
      f.set("models", names.mask(c.allowedModels, names.models));
      f.set("team", c.team ?? null);
      f.set("tags", c.tags === undefined ? null : sortedRecord(c.tags));
      // Key names and tags by key digest (keyNames and keyTags run over keySha256, then keyHmac).
      const labels = [...c.keySha256, ...(c.keyHmac ?? [])].map((digest, k) => [digest, { name: c.keyNames?.[k] ?? null, tags: c.keyTags?.[k] ?? null }] as const);
      const named = labels.filter(([, l]) => l.name !== null || l.tags !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      f.set("keyLabels", named.length === 0 ? null : Object.fromEntries(named));
    }),
  );
  (plan.templates ?? []).forEach((t, i) =>
    add("template", names.templates[i]!, (f) => {
      const variables = uniqueNames(t.variables.map((v) => v.name));
      flatten(
        {
          variables: keyed(
            t.variables,
            (v) => v.name,
            (v) => ({ ...v, name: undefined }),
          ),
        },
        "",
        f,
      );
      f.set(
        "messages",
        t.messages.map((m) => ({ role: m.role, segments: m.segments.map((s) => (typeof s === "string" ? s : { variable: variables[s.variable] ?? "?" })) })),
      );
    }),
  );
  (plan.guardrails?.chains ?? []).forEach((c, i) => add("guardrail-chain", names.chains[i]!, (f) => chainFields(c, names, f)));
  const quotaNames = uniqueNames((plan.quotas ?? []).map((x) => x.name));
  (plan.quotas ?? []).forEach((q, i) =>
    add("quota", quotaNames[i]!, (f) =>
      flatten(
        {
          ...q,
          name: undefined,
          consumers: names.mask(q.consumers, names.consumers),
          models: names.mask(q.models, names.models),
          downgrade: q.downgrade === null ? null : (names.models[q.downgrade] ?? "?"),
        },
        "",
        f,
      ),
    ),
  );
  add("gateway", "gateway", (f) => {
    // Admission checks quotas in this order: the first that refuses decides (its downgrade, its 429).
    f.set(
      "quotas",
      (plan.quotas ?? []).map((q) => q.name),
    );
  });
  return out;
}

function modelFields(m: PlanModel, names: Names, f: Map<string, unknown>): void {
  const total = m.cumulativeWeights[m.cumulativeWeights.length - 1] ?? 0;
  const shares = new Map<string, { target: TargetRef | string; share: number }>();
  let previous = 0;
  m.weighted.forEach((t, i) => {
    const cumulative = m.cumulativeWeights[i] ?? previous;
    const key = names.targetKeys[t] ?? "?";
    const share = (shares.get(key)?.share ?? 0) + (total > 0 ? (cumulative - previous) / total : 0);
    shares.set(key, { target: names.target(t), share });
    previous = cumulative;
  });
  f.set(
    "shares",
    [...shares.keys()].sort().map((k) => ({ target: shares.get(k)!.target, share: ratio(shares.get(k)!.share) })),
  );
  f.set(
    "attempts",
    m.fallbacks.map((t, i) => {
      // Conditions are a set of classes: compared as one, the default set shown as null.
      const on = [...new Set(m.fallbackOn?.[i] ?? DEFAULT_FALLBACK_ON)].sort();
      const isDefault = on.length === DEFAULT_FALLBACK_ON.length && DEFAULT_FALLBACK_ON.every((c) => on.includes(c));
      return { target: names.target(t), on: isDefault ? null : on };
    }),
  );
  // Absent settings have no fields: adding them shows each field added.
  flatten({ reliability: m.reliability }, "", f);
  if (m.selection !== undefined) {
    const { scorers, ...rest } = m.selection;
    flatten(
      {
        selection: {
          ...rest,
          scorers: keyed(
            scorers,
            (s) => s.kind,
            (s) => s.weight,
          ),
        },
      },
      "",
      f,
    );
  }
}

function routingFields(plan: Plan, names: Names, f: Map<string, unknown>): void {
  const routing = plan.routing;
  for (const name of Object.keys(routing.exact).sort()) f.set(`exact[${name}]`, names.routes[routing.exact[name]!] ?? "?");
  for (const name of Object.keys(routing.guarded ?? {}).sort())
    f.set(
      `guarded[${name}]`,
      (routing.guarded?.[name] ?? []).map((r) => names.routes[r] ?? "?"),
    );
  f.set(
    "globs",
    routing.globs.map((g) => ({ pattern: g.pattern, route: names.routes[g.route] ?? "?" })),
  );
  f.set("classifiers.maxChars", routing.classifiers?.maxChars ?? null);
  f.set(
    "publicModels",
    plan.publicModels.map((p) => ({ id: p.id, model: names.models[p.model] ?? "?" })),
  );
}

function routeFields(plan: Plan, r: PlanRoute, i: number, names: Names, f: Map<string, unknown>): void {
  f.set("model", names.models[r.model] ?? "?");
  f.set("headers", sorted(r.headers ?? []));
  if (r.prompts !== undefined) {
    f.set("prompts.prepend", r.prompts.prepend);
    f.set("prompts.append", r.prompts.append);
    f.set("prompts.templates", r.prompts.templates === undefined ? "all" : r.prompts.templates.map((t) => names.templates[t] ?? "?").sort());
  }
  const cache =
    r.cache === undefined
      ? undefined
      : { ...r.cache, semantic: r.cache.semantic === null ? null : { ...r.cache.semantic, upstream: names.upstreams[r.cache.semantic.upstream] ?? "?" } };
  flatten({ cache, memory: r.memory, promptTokens: r.promptTokens }, "", f);
  f.set("paths", r.paths === undefined ? "any" : [...r.paths].sort());
  f.set("consumers", r.consumers === undefined ? "any" : r.consumers.map((c) => names.consumers[c] ?? "?").sort());
  f.set("classifiers", r.classifiers === undefined ? "none" : r.classifiers.map((c) => names.classifiers[c] ?? "?").sort());
  const chain = plan.guardrails?.routes[i];
  f.set("guardrails", chain === null || chain === undefined ? null : (names.chains[chain] ?? "?"));
}

function chainFields(c: PlanGuardrailChain, names: Names, f: Map<string, unknown>): void {
  const scan = (s: PlanGuardrailScan | null): unknown =>
    s === null
      ? null
      : {
          pii: keyed(
            s.pii,
            (p) => p.detector,
            (p) => ({ action: p.action, rule: p.rule }),
          ),
          // Detectors, term groups and deny patterns are tried in order: a reorder can change which finding wins.
          order: { pii: s.pii.map((p) => p.detector), deny: s.deny.map((d) => d.pattern) },
          terms: keyed(
            s.terms.flatMap((g) => g.terms.map((t) => ({ ...t, caseSensitive: g.caseSensitive, wholeWords: g.wholeWords }))),
            (t) => `${t.term}${t.caseSensitive ? " (case-sensitive)" : ""}${t.wholeWords ? "" : " (within words)"}`,
            (t) => ({ action: t.action, rule: t.rule }),
          ),
          deny: keyed(
            s.deny,
            (d) => d.pattern,
            (d) => ({ action: d.action, rule: d.rule }),
          ),
          allow: [...s.allow].sort(),
          injection: s.injection,
          window: s.window,
        };
  const moderation = c.moderation === null ? null : { ...c.moderation, upstream: names.upstreams[c.moderation.upstream] ?? "?" };
  const o = c.outputModeration;
  // Absent in plans without it, so their views (and diffs) are unchanged.
  const outputModeration = o === undefined ? {} : { outputModeration: { ...o, upstream: names.upstreams[o.upstream] ?? "?" } };
  flatten({ maxMessages: c.maxMessages, maxPromptTokens: c.maxPromptTokens, input: scan(c.input), output: scan(c.output), moderation, ...outputModeration }, "", f);
}

/** A record with its keys in order, so two plans writing the same entries compare equal. */
function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
