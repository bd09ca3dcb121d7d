/**
 * Pass: check-dead-config. Warns about configuration that can never take part in a
 * request: unused providers, models no consumer can be served by, allow-list entries
 * no route leads to, declared secrets nothing refers to, constraints that bind no
 * consumer. The rules live in analysis/dead-config.ts, one per kind of entry.
 */
import type { CompileContext } from "../context.js";
import type { ExpandedPolicy } from "../ir.js";
import { reportDeadConfig } from "../analysis/dead-config.js";

/** Reports dead config; returns its input unchanged. */
export function checkDeadConfig(policy: ExpandedPolicy, ctx: CompileContext): ExpandedPolicy {
  reportDeadConfig(policy, ctx);
  return policy;
}
