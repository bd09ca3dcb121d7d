/**
 * Where the policy wrote what the plan will hold, recorded from the normalized policy
 * just before lowering (pass `record-sources`), and turned into plan JSON pointers once
 * the plan exists (`buildSourceMap`). Entries are matched to plan entries by name and
 * by (upstream, model) pair rather than by position, so the source map does not
 * depend on how lowering orders or shares plan entries.
 */
import type { Plan } from "../../schemas/plan/plan.js";
import type { CompileContext } from "../context.js";
import type { NormalizedPolicy, NormalizedTarget, Origin, TimeoutField } from "../ir.js";
import { spanAt } from "../load/source-map.js";
import { type PlanSourceMap, type SourceLocation, pointer } from "./plan-source-map.js";

/** A target or fallback entry of the policy: (provider index, upstream model) and where. */
interface EntryFact {
  readonly provider: number;
  readonly model: string;
  readonly at: SourceLocation;
}

/** The recorded positions. */
export interface SourceFacts {
  readonly providers: readonly { readonly name: string; readonly at: SourceLocation; readonly timeouts: Partial<Record<TimeoutField, SourceLocation>> }[];
  readonly models: readonly {
    readonly name: string;
    readonly at: SourceLocation;
    readonly entries: readonly EntryFact[];
    /** Where the reliability settings the author wrote are. */
    readonly settings: Partial<Record<ModelSetting, SourceLocation>>;
  }[];
  /** Quotas and guardrail sets by name. */
  readonly quotas: readonly { readonly name: string; readonly at: SourceLocation }[];
  readonly guardrailSets: readonly { readonly name: string; readonly at: SourceLocation }[];
  readonly routes: readonly { readonly name: string; readonly at: SourceLocation }[];
  readonly consumers: readonly {
    readonly name: string;
    readonly at: SourceLocation;
    readonly keys: readonly { readonly digest: string; readonly at: SourceLocation }[];
    /** The `models` list entries, or null when the consumer may use every model. */
    readonly allow: readonly { readonly name: string; readonly at: SourceLocation }[] | null;
  }[];
}

const TIMEOUT_FIELDS: Readonly<Record<TimeoutField, string>> = { connect: "connectMs", firstByte: "firstByteMs", idle: "idleMs", total: "totalMs" };

/** A model's reliability settings in the policy, and the plan field each becomes. */
const MODEL_SETTINGS = { retry: "retries", maxAttempts: "maxAttempts", deadline: "deadlineMs", hedge: "hedgeDelayMs", degraded: "degraded" } as const;
type ModelSetting = keyof typeof MODEL_SETTINGS;

/** Where `field` of the entry at `origin` is written, or undefined when the author did not write it. */
function written(origin: Origin, field: string): SourceLocation | undefined {
  let node: unknown = origin.doc.value;
  for (const seg of [...origin.path, field]) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node === undefined ? undefined : where({ doc: origin.doc, path: [...origin.path, field] });
}

function where(origin: Origin): SourceLocation {
  const span = spanAt(origin);
  return { file: span.file, line: span.line, col: span.col };
}

/**
 * Pass: record-sources. Notes where every provider, model entry, route and consumer
 * was written; returns its input unchanged. Model entries include the flattened
 * attempt order when an earlier pass added one (`attempts`), so fallbacks through
 * other models map to the entry that names the target.
 */
export function recordSources<P extends NormalizedPolicy>(policy: P, ctx: CompileContext): P {
  const attempts = "attempts" in policy ? (policy.attempts as readonly (readonly { readonly target: NormalizedTarget }[])[]) : [];
  const entry = (t: NormalizedTarget): EntryFact => ({ provider: t.provider, model: t.model, at: where(t.at) });
  ctx.sidecar.sourceFacts = {
    providers: policy.providers.map((p) => ({
      name: p.name,
      at: where(p.at),
      timeouts: Object.fromEntries(p.writtenTimeouts.map((f) => [f, where({ doc: p.at.doc, path: [...p.at.path, "timeouts", f] })])),
    })),
    models: policy.models.map((m, i) => ({
      name: m.name,
      at: where(m.at),
      entries: [
        ...m.targets.map(entry),
        ...m.fallbacks.flatMap((f) => ("provider" in f ? [entry(f as NormalizedTarget)] : [])),
        ...(attempts[i] ?? []).map((step) => entry(step.target)),
      ],
      settings: Object.fromEntries(Object.keys(MODEL_SETTINGS).flatMap((field) => (written(m.at, field) === undefined ? [] : [[field, written(m.at, field)]]))),
    })),
    quotas: policy.quotas.map((q) => ({ name: q.value.name, at: where(q.at) })),
    guardrailSets: policy.guardrails.sets.map((g) => ({ name: g.name, at: where(g.at) })),
    routes: policy.routes.map((r) => ({ name: r.name, at: where(r.at) })),
    consumers: policy.consumers.map((c) => ({
      name: c.name,
      at: where(c.at),
      keys: c.keys.map((k) => ({ digest: k.value, at: where(k.at) })),
      allow: c.allowList === null ? null : c.allowList.map((a) => ({ name: a.value, at: where(a.at) })),
    })),
  };
  return policy;
}

/** The source map of `plan` from the recorded facts. */
export function buildSourceMap(facts: SourceFacts, plan: Plan): PlanSourceMap {
  const mappings: Record<string, SourceLocation> = {};
  const set = (at: SourceLocation | undefined, ...path: (string | number)[]): void => {
    if (at !== undefined) mappings[pointer(...path)] = at;
  };
  const entryFor = (model: number | undefined, target: number): SourceLocation | undefined => {
    const t = plan.targets[target];
    if (t === undefined) return undefined;
    const matches = (e: EntryFact): boolean => e.provider === t.upstream && e.model === t.model;
    const own = model === undefined ? undefined : facts.models[model]?.entries.find(matches);
    return own?.at ?? facts.models.flatMap((m) => m.entries).find(matches)?.at;
  };

  plan.upstreams.forEach((u, i) => {
    const fact = facts.providers[i];
    if (fact?.name !== u.name) return;
    set(fact.at, "upstreams", i);
    for (const [field, at] of Object.entries(fact.timeouts)) set(at, "upstreams", i, "timeouts", TIMEOUT_FIELDS[field as TimeoutField]);
  });
  plan.targets.forEach((_t, i) => set(entryFor(undefined, i), "targets", i));
  plan.models.forEach((m, i) => {
    const fact = facts.models[i];
    if (fact?.name !== m.name) return;
    set(fact.at, "models", i);
    m.weighted.forEach((t, w) => set(entryFor(i, t), "models", i, "weighted", w));
    m.fallbacks.forEach((t, f) => set(entryFor(i, t), "models", i, "fallbacks", f));
    for (const [field, at] of Object.entries(fact.settings)) set(at, "models", i, "reliability", MODEL_SETTINGS[field as ModelSetting]);
  });
  (plan.quotas ?? []).forEach((q, i) => set(facts.quotas.find((f) => f.name === q.name)?.at, "quotas", i));
  (plan.guardrails?.chains ?? []).forEach((c, i) => {
    // A chain merges sets named `a+b`: its line is the first set's.
    const first = c.name.split("+")[0];
    set(facts.guardrailSets.find((g) => g.name === first)?.at, "guardrails", "chains", i);
  });
  plan.routing.routes.forEach((r, i) => {
    const fact = facts.routes[i];
    if (fact?.name === r.name) set(fact.at, "routing", "routes", i);
  });
  plan.routing.globs.forEach((g, i) => set(facts.routes[g.route]?.at, "routing", "globs", i));
  plan.consumers.forEach((c, i) => {
    const fact = facts.consumers[i];
    if (fact?.name !== c.name) return;
    set(fact.at, "consumers", i);
    c.keySha256.forEach((digest, k) => set(fact.keys.find((key) => key.digest === digest)?.at, "consumers", i, "keySha256", k));
    c.allowedModels.forEach((allowed, m) => {
      if (!allowed) return;
      const name = plan.models[m]?.name;
      const listed = fact.allow === null ? fact.at : (fact.allow.find((a) => a.name === name) ?? fact.allow.find((a) => a.name === "*"))?.at;
      set(listed, "consumers", i, "allowedModels", m);
    });
  });
  return { sourceMapVersion: 1, plan: plan.hash, mappings };
}
