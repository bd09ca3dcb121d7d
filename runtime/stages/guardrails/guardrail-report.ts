/**
 * What a request's guardrails found, for the audit line and metrics: per direction,
 * check, action and rule a count, the block (if any), the injection score and the
 * moderation outcome. Never the text that was found: only names and numbers.
 */
import type { GuardrailAction, GuardrailDirection } from "../../../schemas/catalog/guardrails.js";

export interface FindingCount {
  readonly direction: GuardrailDirection;
  readonly detector: string;
  readonly action: GuardrailAction;
  readonly rule: string;
  count: number;
}

export interface ModerationOutcome {
  readonly outcome: "pass" | "flagged" | "error" | "timeout";
  readonly categories: readonly string[];
  readonly ms: number;
}

export class GuardrailReport {
  readonly chain: string;
  readonly findings: FindingCount[] = [];
  blocked: { readonly direction: GuardrailDirection; readonly detector: string; readonly rule: string } | null = null;
  injection: { readonly score: number; readonly patterns: readonly string[] } | null = null;
  moderation: ModerationOutcome | null = null;
  /** The answer's moderation: the last check's outcome, or the first that flagged or failed. */
  outputModeration: ModerationOutcome | null = null;

  constructor(chain: string) {
    this.chain = chain;
  }

  count(direction: GuardrailDirection, detector: string, action: GuardrailAction, rule: string): void {
    const same = this.findings.find((f) => f.direction === direction && f.detector === detector && f.action === action && f.rule === rule);
    if (same !== undefined) same.count++;
    else this.findings.push({ direction, detector, action, rule, count: 1 });
  }

  /** The audit form. */
  toJSON(): object {
    return {
      chain: this.chain,
      findings: this.findings,
      blocked: this.blocked,
      injection: this.injection,
      moderation: this.moderation,
      ...(this.outputModeration === null ? {} : { outputModeration: this.outputModeration }),
    };
  }
}
