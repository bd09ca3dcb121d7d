/**
 * Dead config: entries that exist in the policy but can never take part in a
 * request. Each kind is one rule in `DEAD_CONFIG_RULES`; a new kind of entry
 * (guardrails, quotas) plugs in by adding a rule, and gets the shared reachability
 * facts for free.
 */
import { type CompileContext, child } from "../context.js";
import type { ExpandedPolicy } from "../ir.js";
import { defaultRoute, exactTable } from "../routing/exact-table.js";
import { type Reachability, reachability } from "./reachability.js";
import { declaresSecrets, secretReferences } from "./secret-refs.js";
import { describeTags, hasAllTags } from "./tags.js";

/** One kind of dead config. */
export interface DeadConfigRule {
  /** What it finds, for documentation and tests. */
  readonly kind: string;
  /** Reports every dead entry of its kind. */
  check(policy: ExpandedPolicy, facts: Reachability, ctx: CompileContext): void;
}

/** Providers that no model targets or falls back to. */
const unusedProviders: DeadConfigRule = {
  kind: "provider",
  check(policy, _facts, ctx) {
    const used = new Set<number>();
    for (const model of policy.models) {
      for (const t of model.targets) used.add(t.provider);
      for (const f of model.fallbacks) if (f.kind === "target") used.add(f.provider);
    }
    for (const set of policy.guardrails.sets) if (set.moderationProvider !== null) used.add(set.moderationProvider);
    // A pool's endpoints are reported once, as the pool (check-routing: unused-pool).
    const pooled = new Set((policy.pools ?? []).flatMap((p) => p.endpoints.map((e) => e.provider)));
    policy.providers.forEach((provider, i) => {
      if (!used.has(i) && !pooled.has(i)) ctx.report("unused-provider", { provider: provider.name }, child(provider.at, "name"));
    });
  },
};

/**
 * Models a route leads to but no consumer may request, and no requested model falls
 * back to. (A model no route leads to is already reported as unreachable by
 * check-routes; when no consumer can request anything at all, the consumers are the
 * finding, and every model would repeat it.)
 */
const unservedModels: DeadConfigRule = {
  kind: "model",
  check(policy, facts, ctx) {
    if (!facts.consumerModels.some((models) => models.length > 0)) return;
    policy.models.forEach((model, m) => {
      if (facts.routeTo[m] === -1 || facts.served[m] === true) return;
      ctx.report("unused-model", { model: model.name, reason: "no consumer may use it, and no model a consumer may use falls back to it" }, child(model.at, "name"));
    });
  },
};

/** Entries of a consumer's `models` list that no route leads to. */
const unreachableAllowListEntries: DeadConfigRule = {
  kind: "allow-list entry",
  check(policy, facts, ctx) {
    const exact = exactTable(policy.routes);
    const index = new Map(policy.models.map((m, i) => [m.name, i]));
    for (const consumer of policy.consumers) {
      for (const entry of consumer.allowList ?? []) {
        const m = index.get(entry.value);
        if (m === undefined || facts.routeTo[m] !== -1) continue;
        const taker = policy.routes[defaultRoute(exact.get(entry.value) ?? [], policy.routes) ?? -1];
        ctx.report("consumer-model-unreachable", { consumer: consumer.name, model: entry.value, route: taker?.label ?? "the route that takes it" }, entry.at);
      }
    }
  },
};

/** Declared secrets that nothing refers to. */
const unusedSecrets: DeadConfigRule = {
  kind: "secret",
  check(policy, _facts, ctx) {
    if (!declaresSecrets(policy)) return;
    const used = new Set(secretReferences(policy.documents).flatMap((u) => (u.envName === null ? [] : [u.envName])));
    for (const { value, at } of policy.secrets) {
      if (!used.has(value.name)) ctx.report("unused-secret", { name: value.name }, child(at, "name"));
    }
  },
};

/** Constraints whose consumer selector matches no consumer. */
const idleConstraints: DeadConfigRule = {
  kind: "constraint",
  check(policy, _facts, ctx) {
    if (policy.consumers.length === 0) return;
    for (const constraint of policy.constraints) {
      if (policy.consumers.some((c) => hasAllTags(c.tags, constraint.consumerTags))) continue;
      ctx.report("idle-constraint", { constraint: constraint.name, tags: describeTags(constraint.consumerTags) }, child(constraint.at, "consumers", "tags"));
    }
  },
};

/** Every kind of dead config, in reporting order (diagnostics are sorted by position anyway). */
export const DEAD_CONFIG_RULES: readonly DeadConfigRule[] = [unusedProviders, unservedModels, unreachableAllowListEntries, unusedSecrets, idleConstraints];

/** Runs every rule with the shared reachability facts. */
export function reportDeadConfig(policy: ExpandedPolicy, ctx: CompileContext): void {
  const facts = reachability(policy);
  for (const rule of DEAD_CONFIG_RULES) rule.check(policy, facts, ctx);
}
