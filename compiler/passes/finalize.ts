/**
 * Pass: finalize. Stamps the plan (format version, compiler version, content hash),
 * checks it against the plan schema, and renders its canonical file text. A plan
 * that fails the schema is a compiler bug, never a user error, so it throws.
 */
import { canonicalJson, planHash } from "../../schemas/plan/canonical.js";
import { Plan } from "../../schemas/plan/plan.js";
import { PLAN_VERSION } from "../../schemas/plan/version.js";
import type { CompileContext } from "../context.js";
import type { FinalPlan, PlanBody } from "../ir.js";

/** Stamps, self-checks and renders the plan. */
export function finalize(body: PlanBody, ctx: CompileContext): FinalPlan {
  const unstamped = { planVersion: PLAN_VERSION, compilerVersion: ctx.options.compilerVersion, ...body };
  // Round-trip through canonical JSON: the hash covers exactly what the file will hold.
  const plain = JSON.parse(canonicalJson(unstamped)) as Record<string, unknown>;
  const stamped = { ...plain, hash: planHash(plain) };
  const checked = Plan.safeParse(stamped);
  if (!checked.success) {
    throw new Error(`internal compiler error: the plan does not match schemas/plan/plan.ts:\n${checked.error.message}`);
  }
  // What the runtime will do on load: recompute the hash of the parsed plan.
  if (planHash(checked.data) !== stamped.hash) throw new Error("internal compiler error: the plan hash does not survive a schema round-trip");
  return { plan: checked.data, json: canonicalJson(checked.data, 2) + "\n" };
}
