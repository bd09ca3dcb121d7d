/**
 * The error of a plan that cannot be served, in a module of its own: the runtime's
 * linkers throw it without importing the plan reader (and its 2 MB generated
 * validator, which worker threads never need: see trusted-plan.ts).
 */

/** A plan that cannot be served, with a message a person can act on. */
export class PlanError extends Error {
  override name = "PlanError";
}
