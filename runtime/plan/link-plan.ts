/**
 * Plan → LinkedPlan, all or nothing: resolves secrets, creates the undici pools,
 * links the route table (glob and header regexes compiled once) and drops targets of
 * disabled optional upstreams.
 * A required secret that is missing fails the link with a message naming it.
 * On a reload, `previous` (the plan being replaced) hands over what the gateway learnt
 * about the upstreams they share: breakers, key states, latency stats (carry-over.ts).
 */
import { linkCostTags } from "../routing/cost-tags.js";
import type { Plan, PlanModel } from "../../schemas/plan/plan.js";
import { linkFeatures } from "../stages/features/link-features.js";
import { ADAPTERS } from "../adapters/registry.js";
import { linkGuardrails } from "../stages/guardrails/link-guardrails.js";
import { linkRouteTable } from "../routing/link-routes.js";
import { AvailabilityRef } from "../routing/selection/availability.js";
import { linkSelectors, statsFor } from "../routing/selection/link-selection.js";
import { createUpstreamPool } from "../upstream/pool.js";
import { ConcurrencyLimiter } from "../upstream/concurrency-limiter.js";
import { fallbackMasks, linkHealth } from "../reliability/link-health.js";
import { healthAvailability } from "../reliability/health-availability.js";
import { linkReliability } from "../reliability/linked-reliability.js";
import { startProbes } from "../reliability/probe-scheduler.js";
import type { LinkedConsumer, LinkedModel, LinkedPlan, LinkedTarget, LinkedUpstream } from "./linked-plan.js";
import { PlanError } from "../../schemas/plan/plan-error.js";
import { linkKeys } from "./link-keys.js";
import { closeCredentials, linkCredentials } from "./link-credentials.js";
import { carryHealth, carrySelectors, carryStats } from "./carry-over.js";

export function linkPlan(plan: Plan, env: NodeJS.ProcessEnv = process.env, previous: LinkedPlan | null = null): LinkedPlan {
  const notes: string[] = [];
  const { health, upstreams: reliability } = linkHealth(plan);
  if (previous !== null) carryHealth(previous, plan, health);
  const upstreams: LinkedUpstream[] = plan.upstreams.map((u, slot) => {
    if (u.options.adapter !== u.adapter) throw new PlanError(`provider ${u.name}: options are for adapter ${u.options.adapter}, not ${u.adapter}`);
    const { authHeader, authorizations, credentials, problems } = linkCredentials(u, env);
    let disabled: string | null = null;
    if (problems.length > 0) {
      const why = `provider ${u.name}: ${problems.join("; ")}`;
      if (!u.optional) throw new PlanError(`${why}. Set it, or mark the provider \`optional: true\` to run without it.`);
      disabled = why;
      notes.push(`${why}: provider disabled (optional)`);
    }
    return {
      name: u.name,
      pool: createUpstreamPool(u),
      adapter: ADAPTERS[u.adapter],
      options: u.options,
      origin: u.origin,
      basePath: u.basePath,
      chatPath: `${u.basePath}/chat/completions`,
      timeouts: u.timeouts,
      authHeader,
      authorizations,
      nextKey: 0,
      credentials,
      disabled,
      limiter: u.concurrency === undefined ? null : new ConcurrencyLimiter(u.name, u.concurrency),
      reliability: reliability[slot]!,
    };
  });
  // Load and latency are tracked only for targets a selection program reads.
  const tracked = statsFor(plan);
  const targets: LinkedTarget[] = plan.targets.map((t, i) => ({
    upstream: upstreams[t.upstream]!,
    model: t.model,
    stats: tracked[i] ?? null,
    price: t.price ?? null,
    contextWindow: t.contextWindow ?? 0,
  }));
  if (previous !== null) carryStats(previous, targets);
  const availability = new AvailabilityRef();
  availability.current = healthAvailability(plan, health) ?? availability.current;
  const models = linkSelectors(
    plan.models,
    plan.models.map((m, i) => linkModel(m, i, targets)),
    availability,
  );
  if (previous !== null) carrySelectors(previous, models);
  const features = linkFeatures(plan, env, upstreams);
  const keys = linkKeys(plan, env);
  const probes = startProbes(plan.upstreams, upstreams, health);
  return {
    plan,
    hash: plan.hash,
    listener: plan.listener,
    models,
    ...linkRouteTable(plan.routing, models, plan.consumers.length),
    ...keys,
    costTags: linkCostTags(plan.costTags),
    guardrailsByRoute: linkGuardrails(plan.guardrails, upstreams),
    availability,
    modelListCache: new Map(),
    health,
    notes,
    features,
    close: async () => {
      for (const u of upstreams) closeCredentials(u.credentials);
      probes.stop();
      await Promise.all([...upstreams.map((u) => u.pool.close()), features?.close()]);
    },
  };
}

/** Keeps only enabled targets; when no weighted target is left, the first enabled fallback takes over. */
function linkModel(m: PlanModel, index: number, targets: readonly LinkedTarget[]): LinkedModel {
  const enabled = (i: number): boolean => targets[i]!.upstream.disabled === null;
  const weighted: LinkedTarget[] = [];
  const cumulativeWeights: number[] = [];
  let previous = 0;
  m.weighted.forEach((ti, k) => {
    const weight = m.cumulativeWeights[k]! - previous;
    previous = m.cumulativeWeights[k]!;
    if (!enabled(ti)) return;
    weighted.push(targets[ti]!);
    cumulativeWeights.push((cumulativeWeights.at(-1) ?? 0) + weight);
  });
  const fallbacks = m.fallbacks.filter(enabled).map((i) => targets[i]!);
  if (weighted.length === 0 && fallbacks.length > 0) {
    weighted.push(fallbacks[0]!);
    cumulativeWeights.push(1);
  }
  const unavailable =
    weighted.length === 0
      ? `model ${m.name} has no enabled provider (${[...new Set([...m.weighted, ...m.fallbacks].map((i) => targets[i]!.upstream.disabled))].join("; ")})`
      : null;
  return {
    index,
    name: m.name,
    weighted,
    cumulativeWeights,
    fallbacks,
    unavailable,
    fallbackMasks: fallbackMasks(m, enabled),
    reliability: linkReliability(m.reliability),
    selector: null,
  };
}
