/**
 * A plan with its entity arrays reordered and every index that points into them
 * rewritten, and lists whose order does not matter shuffled: a different plan file that
 * makes the gateway do exactly the same. The diff's property test uses it to check that
 * `diff` reports no change for such pairs. Every reference of the plan format is
 * listed here; one that is missing makes the renumbered plan behave differently, and
 * the property test fails.
 */
import type { Plan } from "../../schemas/plan/plan.js";

/** A permutation of `n` positions from a seeded draw (Fisher–Yates). */
export function permutation(n: number, random: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/** `items` moved so that item i ends up at position `to[i]`. */
function move<T>(items: readonly T[], to: readonly number[]): T[] {
  const out = new Array<T>(items.length);
  items.forEach((item, i) => (out[to[i]!] = item));
  return out;
}

const shuffled = <T>(items: readonly T[], random: () => number): T[] => move(items, permutation(items.length, random));

/** The plan renumbered and its order-free lists shuffled; `random` draws the permutations. */
export function renumberPlan(source: Plan, random: () => number): Plan {
  const plan = structuredClone(source) as Plan & Record<string, unknown>;
  const up = permutation(plan.upstreams.length, random);
  const tg = permutation(plan.targets.length, random);
  const md = permutation(plan.models.length, random);
  const cs = permutation(plan.consumers.length, random);
  const rt = permutation(plan.routing.routes.length, random);
  const tp = permutation(plan.templates?.length ?? 0, random);
  const cl = permutation(plan.routing.classifiers?.names.length ?? 0, random);
  const ch = permutation(plan.guardrails?.chains.length ?? 0, random);
  const U = (i: number): number => up[i] ?? i;
  const T = (i: number): number => tg[i] ?? i;
  const M = (i: number): number => md[i] ?? i;
  const C = (i: number): number => cs[i] ?? i;
  const R = (i: number): number => rt[i] ?? i;

  plan.upstreams = move(plan.upstreams, up);
  plan.targets = move(
    plan.targets.map((t) => ({ ...t, upstream: U(t.upstream) })),
    tg,
  );
  plan.models = move(
    plan.models.map((m) => {
      // The weighted draw: the same weights in another order give the same shares.
      const weights = m.weighted.map((t, i) => ({ t: T(t), w: m.cumulativeWeights[i]! - (i === 0 ? 0 : m.cumulativeWeights[i - 1]!) }));
      const order = shuffled(weights, random);
      let sum = 0;
      return { ...m, weighted: order.map((x) => x.t), cumulativeWeights: order.map((x) => (sum += x.w)), fallbacks: m.fallbacks.map(T) };
    }),
    md,
  );
  plan.consumers = move(
    plan.consumers.map((c) => ({ ...c, ...shuffledKeys(c, random), allowedModels: move(c.allowedModels, md) })),
    cs,
  );
  plan.publicModels = plan.publicModels.map((p) => ({ ...p, model: M(p.model) }));
  const routing = plan.routing;
  routing.routes = move(
    routing.routes.map((r) => {
      const out = { ...r, model: M(r.model) };
      if (r.headers !== undefined) out.headers = shuffled(r.headers, random);
      if (r.paths !== undefined) out.paths = shuffled(r.paths, random);
      if (r.consumers !== undefined) out.consumers = shuffled(r.consumers.map(C), random);
      if (r.classifiers !== undefined)
        out.classifiers = shuffled(
          r.classifiers.map((c) => cl[c] ?? c),
          random,
        );
      if (r.prompts?.templates !== undefined)
        out.prompts = {
          ...r.prompts,
          templates: shuffled(
            r.prompts.templates.map((t) => tp[t] ?? t),
            random,
          ),
        };
      if (r.cache?.semantic != null) out.cache = { ...r.cache, semantic: { ...r.cache.semantic, upstream: U(r.cache.semantic.upstream) } };
      return out;
    }),
    rt,
  );
  routing.exact = Object.fromEntries(shuffled(Object.entries(routing.exact), random).map(([name, r]) => [name, R(r)]));
  if (routing.guarded !== undefined) routing.guarded = Object.fromEntries(Object.entries(routing.guarded).map(([name, rs]) => [name, rs.map(R)]));
  routing.globs = routing.globs.map((g) => ({ ...g, route: R(g.route) }));
  if (routing.classifiers !== undefined) {
    const c = routing.classifiers;
    routing.classifiers = {
      ...c,
      names: move(c.names, cl),
      patterns: move(c.patterns, cl),
      keywords: shuffled(
        c.keywords.map((k) => ({ ...k, classifier: cl[k.classifier] ?? k.classifier })),
        random,
      ),
    };
  }
  if (plan.templates !== undefined) {
    plan.templates = move(
      plan.templates.map((t) => {
        const vp = permutation(t.variables.length, random);
        return {
          ...t,
          variables: move(t.variables, vp),
          messages: t.messages.map((m) => ({ ...m, segments: m.segments.map((s) => (typeof s === "string" ? s : { variable: vp[s.variable] ?? s.variable })) })),
        };
      }),
      tp,
    );
  }
  if (plan.quotas !== undefined) {
    plan.quotas = plan.quotas.map((q) => ({
      ...q,
      consumers: q.consumers === null ? null : move(q.consumers, cs),
      models: q.models === null ? null : move(q.models, md),
      downgrade: q.downgrade === null ? null : M(q.downgrade),
    }));
  }
  if (plan.guardrails !== undefined) {
    const g = plan.guardrails;
    plan.guardrails = {
      chains: move(
        g.chains.map((c) => ({
          ...c,
          input: c.input === null ? null : { ...c.input, allow: shuffled(c.input.allow, random) },
          output: c.output === null ? null : { ...c.output, allow: shuffled(c.output.allow, random) },
          moderation: c.moderation === null ? null : { ...c.moderation, upstream: U(c.moderation.upstream) },
          ...(c.outputModeration === undefined ? {} : { outputModeration: { ...c.outputModeration, upstream: U(c.outputModeration.upstream) } }),
        })),
        ch,
      ),
      routes: move(
        g.routes.map((c) => (c === null ? null : (ch[c] ?? c))),
        rt,
      ),
    };
  }
  if (plan.listener.alerts !== undefined) plan.listener = { ...plan.listener, alerts: { ...plan.listener.alerts, rules: shuffled(plan.listener.alerts.rules, random) } };
  return plan;
}

/** A consumer's sha256 keys in another order, their names and tags (which run over keySha256, then keyHmac) moved with them. */
function shuffledKeys(c: Plan["consumers"][number], random: () => number): Pick<Plan["consumers"][number], "keySha256" | "keyNames" | "keyTags"> {
  const order = shuffled(
    c.keySha256.map((_, i) => i),
    random,
  );
  const hmacs = (c.keyHmac ?? []).map((_, j) => c.keySha256.length + j);
  const relabel = <T>(labels: readonly T[] | undefined): T[] | undefined => (labels === undefined ? undefined : [...order, ...hmacs].map((i) => labels[i]!));
  const keyNames = relabel(c.keyNames);
  const keyTags = relabel(c.keyTags);
  return { keySha256: order.map((i) => c.keySha256[i]!), ...(keyNames === undefined ? {} : { keyNames }), ...(keyTags === undefined ? {} : { keyTags }) };
}
