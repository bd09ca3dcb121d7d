/**
 * One decision model: every case of the shared table (decision-cases.ts) is run
 * through the compiler's decision code (what explain, simulate and policy tests use)
 * and through the runtime's own (routing, attempt planner, quota admission), and both
 * must give the table's expectation. A known difference (the runtime believed wrong)
 * must still differ: when it stops differing, the entry has to go.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { failureScript, parseFailureRules } from "../../compiler/commands/simulate/failure-rules.js";
import { simulateTrace } from "../../compiler/commands/simulate/simulate-trace.js";
import { parseTrace } from "../../compiler/commands/simulate/trace.js";
import type { Plan } from "../../schemas/plan/plan.js";
import type { LinkedPlan } from "../../runtime/plan/linked-plan.js";
import { linkPlan } from "../../runtime/plan/link-plan.js";
import { authenticate } from "../../runtime/routing/authenticate.js";
import { matchRoute as runtimeMatchRoute } from "../../runtime/routing/match-route.js";
import { RouteFacts } from "../../runtime/routing/route-facts.js";
import { type AttemptRun, type UpstreamBehaviour, type UpstreamScript, runAttempts } from "../../compiler/decision/attempt-engine.js";
import { decide, keyDigest } from "../../compiler/decision/decide.js";
import { QuotaCounters, applicableQuotas, reservationAmount } from "../../compiler/decision/quota-admission.js";
import type { ErrorClass } from "../../schemas/plan/constants.js";
import { compileYaml } from "../support/compile.js";
import { RuntimeQuotas, chatView, runtimeAttempts } from "../support/runtime-decisions.js";
import { ATTEMPT_CASES, type Behaviour, QUOTA_CASES, QUOTA_CASE_KEYS, ROUTING_CASES } from "./decision-cases.js";

const linked: LinkedPlan[] = [];
afterAll(async () => {
  await Promise.all(linked.map((l) => l.close()));
});

/** Links a plan with every secret it names set to a dummy value. */
function link(plan: Plan): LinkedPlan {
  const env: Record<string, string> = {};
  for (const match of JSON.stringify(plan).matchAll(/"env:([A-Za-z_][A-Za-z0-9_]*)"/g)) env[match[1]!] = "test";
  const l = linkPlan(plan, env);
  linked.push(l);
  return l;
}

const label = (plan: Plan, target: number): string => {
  const t = plan.targets[target]!;
  return `${plan.upstreams[t.upstream]!.name}/${t.model}`;
};

function parseBehaviour(text: Behaviour): UpstreamBehaviour {
  const match = /^(\w+)(?:@(\d+))?(?:\/ra=(\d+))?$/.exec(text);
  if (match === null) throw new Error(`bad behaviour ${text}`);
  const [, kind = "", after, retryAfter] = match;
  if (kind === "hang") return { kind: "hang" };
  if (kind === "ok") return { kind: "answer", afterMs: Number(after ?? 0) };
  return { kind: "error", class: kind as ErrorClass, afterMs: Number(after ?? 0), retryAfterMs: retryAfter === undefined ? null : Number(retryAfter) };
}

/** The case's script: each target's successive attempts take the next behaviour of its list (the last repeats). */
function script(plan: Plan, upstreams: Readonly<Record<string, readonly Behaviour[]>>): UpstreamScript {
  const seen = new Map<number, number>();
  return ({ target }) => {
    const n = seen.get(target) ?? 0;
    seen.set(target, n + 1);
    const list = upstreams[label(plan, target)] ?? ["ok"];
    return parseBehaviour(list[Math.min(n, list.length - 1)]!);
  };
}

function summary(plan: Plan, run: AttemptRun): string {
  const attempts = run.attempts.map((a) => `${a.role} ${label(plan, a.target)} ${a.outcome}`).join("; ");
  const r = run.result;
  const result = r.kind === "served" ? `served by ${label(plan, r.target)}` : r.kind === "degraded" ? `degraded ${r.status} (${r.class})` : `failed ${r.reason} (${r.class})`;
  return `${attempts} => ${result}`;
}

describe("the shared decision table: attempts", () => {
  for (const c of ATTEMPT_CASES) {
    it(c.name, () => {
      const plan = compileYaml(c.policy);
      const model = plan.models.findIndex((m) => m.name === c.model);
      const m = plan.models[model]!;
      const first = c.first === undefined ? m.weighted[0]! : m.weighted.find((t) => label(plan, t) === c.first)!;
      expect(first, "first pick").toBeDefined();
      const options = { random: c.random ?? 1, ...(c.stream !== undefined ? { stream: c.stream } : {}) };
      const ours = runAttempts(plan, model, first, script(plan, c.upstreams), { ...options, random: () => options.random });
      const theirs = runtimeAttempts(plan, link(plan), model, first, script(plan, c.upstreams), options);
      if (c.knownDifference !== undefined) {
        expect(ours, `still a known difference: ${c.knownDifference}`).not.toEqual(theirs);
        return;
      }
      expect(summary(plan, ours)).toBe(c.expect);
      expect(ours).toEqual(theirs);
    });
  }
});

describe("the shared decision table: routing", () => {
  for (const c of ROUTING_CASES) {
    it(c.name, () => {
      const plan = compileYaml(c.policy);
      const runtime = link(plan);
      for (const r of c.requests) {
        const body = { model: r.model, messages: [{ role: "user", content: r.text ?? "hello" }] };
        const headers = r.headers ?? {};
        const decision = decide(plan, {
          model: r.model,
          caller: r.key === undefined ? { kind: "none" } : { kind: "key-digest", sha256: keyDigest(r.key) },
          headers,
          body,
        });
        const ours =
          decision.outcome === "routed"
            ? `${plan.routing.routes[decision.route.route]!.name} -> ${plan.models[decision.model]!.name}`
            : decision.status === 403
              ? `403 ${plan.models[decision.model ?? -1]!.name}`
              : String(decision.status);
        const consumer = authenticate(runtime, r.key === undefined ? undefined : `Bearer ${r.key}`);
        let theirs: string;
        if (consumer === null) theirs = "401";
        else {
          const facts =
            runtime.routeFacts === null
              ? null
              : new RouteFacts("/v1/chat/completions", consumer.index ?? -1, chatView(body), runtime.routeFacts.tokenCap, runtime.routeFacts.classifiers);
          const route = runtimeMatchRoute(runtime, r.model, headers, facts);
          theirs = route === null ? "404" : !consumer.allowed[route.model.index] ? `403 ${route.model.name}` : `${route.name} -> ${route.model.name}`;
        }
        const what = `${r.key ?? "(no key)"} ${r.model} ${JSON.stringify(headers)} ${r.text ?? ""}`;
        if (c.knownDifference !== undefined) continue;
        expect(ours, what).toBe(r.expect);
        expect(theirs, what).toBe(r.expect);
      }
    });
  }
});

describe("the shared decision table: quotas", () => {
  const EPOCH = Date.UTC(2025, 0, 1, 0, 0, 0);
  for (const c of QUOTA_CASES) {
    it(c.name, async () => {
      const plan = compileYaml(c.policy);
      const runtime = new RuntimeQuotas(plan, link(plan));
      const counters = new QuotaCounters(plan);
      const ours: string[] = [];
      const theirs: string[] = [];
      for (const step of c.steps) {
        const consumer = plan.consumers.findIndex((x) => x.name === step.consumer);
        const model = plan.models.findIndex((x) => x.name === step.model);
        const body: Record<string, unknown> = { model: step.model, messages: [{ role: "user", content: step.prompt ?? "hello there" }] };
        if (step.maxTokens !== undefined) body.max_tokens = step.maxTokens;
        const key = QUOTA_CASE_KEYS[step.consumer]!;
        const headers = step.headers ?? {};
        const inputTokens = RuntimeQuotas.inputTokens(body);
        const now = EPOCH + step.at;
        // The pieces first: which quotas apply, and what each reserves.
        expect(applicableQuotas(plan, consumer, model)).toEqual(runtime.applicable(consumer, model));
        for (const q of applicableQuotas(plan, consumer, model)) {
          const output = step.maxTokens ?? plan.quotas![q]!.outputTokens;
          expect(reservationAmount(plan, plan.quotas![q]!, model, inputTokens, output)).toBeCloseTo(runtime.reservation(q, model, inputTokens, output), 12);
        }
        const a = counters.admit(consumer, model, { inputTokens, maxOutputTokens: step.maxTokens ?? null, keyDigest: keyDigest(key), headers }, now);
        ours.push(a.kind === "admitted" ? `admitted ${plan.models[a.model]!.name}` : `refused ${a.status} ${a.code} ${plan.quotas![a.quota]!.name}`);
        const b = await runtime.admit(consumer, model, body, key, headers, now);
        theirs.push(b.kind === "admitted" ? `admitted ${plan.models[b.model]!.name}` : `refused ${b.status} ${b.code} ${/quota `([^`]+)`/.exec(b.message)?.[1] ?? "?"}`);
        const used =
          step.used === undefined
            ? { served: true, inputTokens, outputTokens: step.maxTokens ?? 0, costUsd: 0, provider: "openai" }
            : step.used === "failed"
              ? { served: false, inputTokens: 0, outputTokens: 0, costUsd: 0, provider: null }
              : { served: true, inputTokens: step.used.input, outputTokens: step.used.output, costUsd: 0, provider: step.used.provider };
        if (a.kind === "admitted") {
          const price = plan.targets[plan.models[a.model]!.weighted[0]!]!.price;
          const cost = price === undefined ? 0 : (used.inputTokens * price.input + used.outputTokens * price.output) / 1e6;
          counters.settle(a.reservations, { ...used, costUsd: cost }, now + 1);
          if (b.kind === "admitted" && b.ticket !== null) runtime.settle(b.ticket, { ...used, costUsd: cost }, now + 1);
        }
      }
      if (c.knownDifference !== undefined) {
        expect(ours, `still a known difference: ${c.knownDifference}`).not.toEqual(theirs);
        return;
      }
      expect(ours.join("; ")).toBe(c.expect);
      expect(theirs.join("; ")).toBe(c.expect);
    });
  }
});

describe("simulate gives the runtime's answer", () => {
  for (const name of ["simulate-two-provider-outage", "simulate-two-provider-outage-degraded"]) {
    it(`on the trace of command case ${name}`, () => {
      const dir = fileURLToPath(new URL(`./command-cases/${name}/`, import.meta.url));
      const plan = compileYaml(readFileSync(join(dir, "policy.yaml"), "utf8"));
      const args = readFileSync(join(dir, "args"), "utf8");
      const specs = [...args.matchAll(/--fail (\S+)/g)].map((m) => m[1]!);
      const rules = parseFailureRules(specs, plan);
      if (typeof rules === "string") throw new Error(rules);
      const trace = parseTrace(readFileSync(join(dir, "trace.jsonl"), "utf8"), "trace.jsonl");
      if (typeof trace === "string") throw new Error(trace);
      const report = simulateTrace(plan, trace, rules, 1);
      // The runtime, request by request, with the same failures (certain ones: no draws).
      const runtime = link(plan);
      const tally = { served: 0, degraded: 0, failed: 0, attempts: 0 };
      for (const request of trace) {
        const decision = decide(plan, { model: request.model, caller: request.caller });
        if (decision.outcome !== "routed") throw new Error("the trace's requests are routed");
        const first = plan.models[decision.model]!.weighted[0]!;
        const run = runtimeAttempts(
          plan,
          runtime,
          decision.model,
          first,
          failureScript(rules, plan, () => 0),
        );
        tally[run.result.kind]++;
        tally.attempts += run.attempts.length;
      }
      expect({ served: report.served, degraded: report.degraded, failed: report.failed, attempts: report.models[0]!.attempts }).toEqual(tally);
    });
  }
});
