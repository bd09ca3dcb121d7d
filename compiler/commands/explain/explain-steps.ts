/** The shape of an explanation, shared by the files that build its steps. */
import type { Decision } from "../../decision/decide.js";
import type { SourceLocation } from "../../sourcemap/plan-source-map.js";

/** One line of the explanation, and where the policy says so. */
export interface ExplainLine {
  readonly text: string;
  readonly at: SourceLocation | null;
}

/** The steps, in the order the gateway takes them. */
export type StepName =
  | "auth"
  | "route"
  | "model"
  | "access"
  | "prompts"
  | "guardrails"
  | "cache"
  | "quotas"
  | "pick"
  | "attempts"
  | "retries"
  | "budget"
  | "deadline"
  | "hedge"
  | "degraded"
  | "timeouts"
  | "run";

/** One step: its headline, and detail lines (targets, attempts, timeouts). */
export interface ExplainStep {
  readonly step: StepName;
  readonly line: ExplainLine;
  readonly details: readonly ExplainLine[];
}

/** The whole explanation. */
export interface Explanation {
  readonly model: string;
  readonly decision: Decision;
  readonly steps: readonly ExplainStep[];
  /** "served; at most 4 attempts …" or "rejected: 403 model_not_allowed". */
  readonly result: string;
  /** False when the request would be refused, or (with `--fail`) not served. */
  readonly served: boolean;
  /** The refusal before any upstream is called (401, 403, 404, 429), if any. */
  readonly refusal?: { readonly status: number; readonly code: string };
}

/** Adds steps; `at` resolves a plan pointer through the source map. */
export interface StepSink {
  step(name: StepName, text: string, at: SourceLocation | null, details?: ExplainLine[]): void;
  at(...path: (string | number)[]): SourceLocation | null;
}

/** "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
