/**
 * What differs in behaviour between two plans: every entity and field of their views
 * (plan-view.ts) that differs, which of those changes matter for security
 * (security.ts), the worst case of each model before and after, and the requested
 * names that now reach another model or none. Keyed by name throughout, so renumbered
 * plan indices are not changes.
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import type { WorstCase } from "../../analysis/reports.js";
import { planWorstCases } from "../../analysis/worst-case.js";
import { matchRoute } from "../../decision/match-route.js";
import { planView } from "./plan-view.js";
import { type SecurityFinding, securityFindings } from "./security.js";
import { type EntityChange, changeCount, diffViews } from "./view-diff.js";

/** A model's worst case before and after; null where the model does not exist. */
export interface WorstCaseChange {
  readonly model: string;
  readonly before: WorstCase | null;
  readonly after: WorstCase | null;
}

/** A requested model name that reaches another model, or none (404), after the change. */
export interface NameChange {
  readonly name: string;
  readonly before: string;
  readonly after: string | null;
}

/** Everything that differs. */
export interface PlanDiff {
  readonly changes: readonly EntityChange[];
  /** Entities added or removed count one each; each changed field counts one. */
  readonly count: number;
  readonly security: readonly SecurityFinding[];
  /** Models whose worst case (attempts, latency or cost) differs. */
  readonly worstCase: readonly WorstCaseChange[];
  readonly names: readonly NameChange[];
}

/** What the worst case of each side assumes per model (from the policy, when it was compiled here). */
export interface WorstCaseInputs {
  readonly before?: ReadonlyMap<string, Pick<WorstCase, "assumedTokens" | "maxLatencyMs" | "maxCostUsd">>;
  readonly after?: ReadonlyMap<string, Pick<WorstCase, "assumedTokens" | "maxLatencyMs" | "maxCostUsd">>;
}

/** Compares two plans. */
export function diffPlans(before: Plan, after: Plan, inputs: WorstCaseInputs = {}): PlanDiff {
  const [b, a] = [planView(before), planView(after)];
  const changes = diffViews(b, a);
  return {
    changes,
    count: changeCount(changes),
    security: securityFindings(b, a, changes),
    worstCase: diffWorstCases(planWorstCases(before, inputs.before), planWorstCases(after, inputs.after)),
    names: diffNames(before, after),
  };
}

function diffWorstCases(before: readonly WorstCase[], after: readonly WorstCase[]): WorstCaseChange[] {
  const old = new Map(before.map((w) => [w.model, w]));
  const now = new Map(after.map((w) => [w.model, w]));
  const names = [...new Set([...old.keys(), ...now.keys()])];
  return names.flatMap((model) => {
    const [b, a] = [old.get(model) ?? null, now.get(model) ?? null];
    const same = b !== null && a !== null && b.attempts === a.attempts && b.latencyMs === a.latencyMs && b.costUsd === a.costUsd;
    return same ? [] : [{ model, before: b, after: a }];
  });
}

/** Every exact name of either plan, resolved (without headers) in both. */
function diffNames(before: Plan, after: Plan): NameChange[] {
  const exact = (plan: Plan): string[] => [...Object.keys(plan.routing.exact), ...Object.keys(plan.routing.guarded ?? {})];
  const names = new Set([...exact(before), ...exact(after)]);
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
