/**
 * Plan guardrails → linked chains, one per plan chain, shared by the routes that use
 * it. Returns the chain of every route (index = route index), or null when the plan
 * has no guardrails, so requests on such plans do no guardrail work at all.
 */
import type { PlanGuardrailChain, PlanGuardrails, PlanGuardrailScan } from "../../../schemas/plan/guardrails.js";
import type { LinkedUpstream } from "../../plan/linked-plan.js";
import { AhoCorasick } from "../../canonical/aho-corasick.js";
import { LinearRegex } from "../../../schemas/plan/linear-regex.js";
import type { LinkedGuardrails, LinkedScan } from "./linked-guardrails.js";
import { PiiScanner } from "./pii-scanner.js";

export function linkGuardrails(plan: PlanGuardrails | undefined, upstreams: readonly LinkedUpstream[]): (LinkedGuardrails | null)[] | null {
  if (plan === undefined) return null;
  const chains = plan.chains.map((c) => linkChain(c, upstreams));
  return plan.routes.map((i) => (i === null ? null : chains[i]!));
}

function linkChain(c: PlanGuardrailChain, upstreams: readonly LinkedUpstream[]): LinkedGuardrails {
  const m = c.moderation;
  return {
    name: c.name,
    maxMessages: c.maxMessages,
    maxPromptTokens: c.maxPromptTokens,
    input: c.input === null ? null : linkScan(c.input),
    output: c.output === null ? null : linkScan(c.output),
    moderation:
      m === null
        ? null
        : {
            upstream: upstreams[m.upstream]!,
            path: `${upstreams[m.upstream]!.chatPath.replace(/\/chat\/completions$/, "")}/moderations`,
            bodyPrefix: `{"model":${JSON.stringify(m.model)},"input":`,
            timeoutMs: m.timeoutMs,
            onError: m.onError,
            parallel: m.parallel,
            categories: m.categories,
            action: m.action,
            rule: m.rule,
          },
  };
}

function linkScan(s: PlanGuardrailScan): LinkedScan {
  const actions = [...s.pii.map((p) => p.action), ...s.terms.flatMap((g) => g.terms.map((t) => t.action)), ...s.deny.map((d) => d.action)];
  return {
    pii: s.pii.length === 0 ? null : new PiiScanner(s.pii.map((p) => p.detector)),
    piiActions: s.pii.map((p) => p.action),
    piiRules: s.pii.map((p) => p.rule),
    terms: s.terms.map((g) => ({
      automaton: new AhoCorasick(
        g.terms.map((t) => ({ text: t.term, wholeWord: g.wholeWords })),
        { foldCase: !g.caseSensitive },
      ),
      actions: g.terms.map((t) => t.action),
      rules: g.terms.map((t) => t.rule),
    })),
    deny:
      s.deny.length === 0
        ? null
        : {
            combined: LinearRegex.orThrow(s.deny.map((d) => d.pattern)),
            each: s.deny.map((d) => ({ action: d.action, rule: d.rule })),
          },
    allow: s.allow.length === 0 ? null : LinearRegex.orThrow(s.allow),
    injection: s.injection,
    window: s.window,
    rewrites: actions.some((a) => a === "redact" || a === "mask"),
  };
}
