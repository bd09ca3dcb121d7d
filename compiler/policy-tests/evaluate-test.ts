/**
 * Runs one policy test against a compiled plan: the request goes through the same
 * decision the gateway makes (compiler/decision/decide.ts), then each expectation is
 * compared. Pure; names are assumed to exist (run-tests checks them first).
 */
import type { Plan } from "../../schemas/plan/plan.js";
import type { PolicyTest } from "../../schemas/policy/policy-test.js";
import { type Caller, type Decision, decide, targetLabel } from "../decision/decide.js";
import { normalizeHeaders } from "../decision/match-route.js";
import type { TestFailure } from "./policy-test-case.js";

/** Shares closer than this count as equal (shares are written with a few decimals). */
const SHARE_TOLERANCE = 0.0005;

/** The decision for the test's request, and every expectation it breaks. */
export function evaluateTest(plan: Plan, test: PolicyTest): { decision: Decision; failures: TestFailure[] } {
  const { given, expect } = test;
  const caller: Caller =
    given.consumer !== undefined ? { kind: "consumer", name: given.consumer } : given.key !== undefined ? { kind: "key-digest", sha256: given.key.sha256 } : { kind: "none" };
  const decision = decide(plan, {
    model: given.model,
    caller,
    headers: normalizeHeaders(given.headers),
    ...(given.body !== undefined ? { body: { ...given.body, model: given.model } } : {}),
  });
  const failures: TestFailure[] = [];
  const outcome = describeOutcome(plan, decision, given.model, caller);

  if (expect.reject !== undefined) {
    const { status, code } = expect.reject;
    const wanted = code === undefined ? `${status}` : `${status} ${code}`;
    if (decision.outcome !== "rejected" || decision.status !== status || (code !== undefined && decision.code !== code)) {
      failures.push({ field: "reject", reason: `expected a rejection with ${wanted}, but ${outcome}` });
    }
    return { decision, failures };
  }
  if (decision.outcome === "rejected") {
    const field = expect.route !== undefined ? "route" : expect.model !== undefined ? "model" : "target";
    failures.push({ field, reason: `expected the request to be served, but ${outcome}` });
    return { decision, failures };
  }

  const routeName = plan.routing.routes[decision.route.route]?.name ?? "?";
  if (expect.route !== undefined && expect.route !== routeName) {
    failures.push({ field: "route", reason: `expected route \`${expect.route}\`, but route \`${routeName}\` matches` });
  }
  const modelName = plan.models[decision.model]?.name ?? "?";
  if (expect.model !== undefined && expect.model !== modelName) {
    failures.push({ field: "model", reason: `expected model \`${expect.model}\`, but model \`${modelName}\` serves it` });
  }
  if (expect.target !== undefined) {
    const { provider, model, share } = expect.target;
    const matches = (target: number): boolean => {
      const t = plan.targets[target];
      return t !== undefined && plan.upstreams[t.upstream]?.name === provider && (model === undefined || t.model === model);
    };
    const actual = decision.picks.filter((p) => matches(p.target)).reduce((sum, p) => sum + p.share, 0);
    const wanted = model === undefined ? `\`${provider}\`` : `\`${model}\` on \`${provider}\``;
    const picks = decision.picks.map((p) => `${targetLabel(plan, p.target)} ${percent(p.share)}`).join(", ");
    if (share === undefined && Math.abs(actual - 1) > SHARE_TOLERANCE) {
      failures.push({ field: "target", reason: `expected the first attempt always to go to ${wanted}, but it is picked by weight: ${picks}` });
    } else if (share !== undefined && Math.abs(actual - share) > SHARE_TOLERANCE) {
      failures.push({ field: "target", reason: `expected ${wanted} to take ${percent(share)} of first attempts, but it takes ${percent(actual)} (${picks})` });
    }
  }
  return { decision, failures };
}

/** "the request is rejected with 403 model_not_allowed", "route `x` sends it to model `y`". */
function describeOutcome(plan: Plan, decision: Decision, requested: string, caller: Caller): string {
  if (decision.outcome === "rejected") {
    const why =
      decision.code === "invalid_api_key"
        ? caller.kind === "none"
          ? "the request sends no API key"
          : "no consumer has the key"
        : decision.code === "model_not_found"
          ? `no route matches \`${requested}\``
          : `consumer \`${plan.consumers[decision.consumer ?? -1]?.name ?? "?"}\` may not use model \`${plan.models[decision.model ?? -1]?.name ?? "?"}\``;
    return `it is rejected with ${decision.status} ${decision.code} (${why})`;
  }
  return `route \`${plan.routing.routes[decision.route.route]?.name ?? "?"}\` sends it to model \`${plan.models[decision.model]?.name ?? "?"}\``;
}

/** 0.6 → "60%", 1/3 → "33.3%". */
export function percent(share: number): string {
  const value = Math.round(share * 1000) / 10;
  return `${value}%`;
}
