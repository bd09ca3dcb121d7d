/**
 * Reads a plan and proves it is one this runtime can serve: the version matches, the
 * content hash matches, and the generated ajv validator accepts the shape. Anything
 * else is refused with a message that says what to do.
 */
import { readFile } from "node:fs/promises";
import type { Plan } from "./plan.js";
import { planHash } from "./canonical.js";
import { planVersionProblem } from "./version.js";
import generatedValidator from "../generated/plan-validate.js";
import { PlanError } from "./plan-error.js";

export { PlanError } from "./plan-error.js";

interface ValidatorError {
  instancePath: string;
  message?: string;
}

/** The ajv standalone validator generated from schemas/plan/plan.ts, typed. */
const validatePlan = generatedValidator as unknown as { (value: unknown): boolean; errors?: ValidatorError[] | null };

/** Parses and checks plan JSON text. */
export function parsePlan(text: string, source = "plan"): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PlanError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new PlanError(`${source}: a plan is a JSON object`);
  }
  const record = value as Record<string, unknown>;
  const versionProblem = planVersionProblem(record.planVersion);
  if (versionProblem) throw new PlanError(`${source}: ${versionProblem}`);
  if (!validatePlan(value)) {
    const first = validatePlan.errors?.[0];
    const where = first?.instancePath || "/";
    throw new PlanError(`${source}: not a valid plan at ${where}: ${first?.message ?? "invalid"}; recompile it with \`tollgate compile\``);
  }
  const expected = planHash(record);
  if (record.hash !== expected) {
    throw new PlanError(
      `${source}: hash mismatch (the plan says ${String(record.hash)}, its content hashes to ${expected}); the file was edited or corrupted after compilation: recompile it`,
    );
  }
  return value as Plan;
}

/** Reads and checks a plan file. */
export async function loadPlanFile(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new PlanError(`cannot read plan ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parsePlan(text, file);
}
