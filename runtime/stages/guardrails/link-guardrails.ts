/**
 * Plan guardrails → linked chains, one per plan chain, shared by the routes that use
 * it. Returns the chain of every route (index = route index), or null when the plan
 * has no guardrails, so requests on such plans do no guardrail work at all.
 */
import type { PlanGuardrailChain, PlanGuardrails, PlanGuardrailScan, PlanModeration, PlanOutputModeration } from "../../../schemas/plan/guardrails.js";
import type { LinkedUpstream } from "../../plan/linked-plan.js";
import { AhoCorasick } from "../../canonical/aho-corasick.js";
import { LinearRegex } from "../../../schemas/plan/linear-regex.js";
import type { LinkedGuardrails, LinkedModerationCall, LinkedScan } from "./linked-guardrails.js";
import { PiiScanner } from "./pii-scanner.js";
import type { HoldRule } from "./hold-rules.js";

export function linkGuardrails(plan: PlanGuardrails | undefined, upstreams: readonly LinkedUpstream[]): (LinkedGuardrails | null)[] | null {
  if (plan === undefined) return null;
  const chains = plan.chains.map((c) => linkChain(c, upstreams));
  return plan.routes.map((i) => (i === null ? null : chains[i]!));
}

function linkChain(c: PlanGuardrailChain, upstreams: readonly LinkedUpstream[]): LinkedGuardrails {
  const m = c.moderation;
  const o = c.outputModeration;
  return {
    name: c.name,
    maxMessages: c.maxMessages,
    maxPromptTokens: c.maxPromptTokens,
    input: c.input === null ? null : linkScan(c.input),
    output: c.output === null ? null : linkScan(c.output),
    moderation: m === null ? null : { ...linkCall(m, upstreams), parallel: m.parallel },
    outputModeration: o === undefined ? null : { ...linkCall(o, upstreams), everyChars: o.everyChars },
  };
}

function linkCall(m: PlanModeration | PlanOutputModeration, upstreams: readonly LinkedUpstream[]): LinkedModerationCall {
  const upstream = upstreams[m.upstream]!;
  return {
    upstream,
    api: m.api ?? "moderations",
    model: m.model,
    path: m.api === "guard-model" ? upstream.chatPath : `${upstream.chatPath.replace(/\/chat\/completions$/, "")}/moderations`,
    bodyPrefix: `{"model":${JSON.stringify(m.model)},"input":`,
    timeoutMs: m.timeoutMs,
    onError: m.onError,
    categories: m.categories,
    action: m.action,
    rule: m.rule,
  };
}

function linkScan(s: PlanGuardrailScan): LinkedScan {
  const actions = [...s.pii.map((p) => p.action), ...s.terms.flatMap((g) => g.terms.map((t) => t.action)), ...s.deny.map((d) => d.action)];
  const pii = s.pii.length === 0 ? null : new PiiScanner(s.pii.map((p) => p.detector));
  return {
    pii,
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
    hold: holdRules(s, pii),
    rewrites: actions.some((a) => a === "redact" || a === "mask"),
  };
}

/**
 * What the stream guard holds for one direction's checks: each PII detector's declared
 * rules, the longest deny term, and the policy's `window` for deny patterns (a policy
 * regex declares no longest match).
 */
function holdRules(s: PlanGuardrailScan, pii: PiiScanner | null): HoldRule[] {
  const rules: HoldRule[] = pii === null ? [] : pii.detectors.flatMap((d) => d.hold);
  const longestTerm = Math.max(0, ...s.terms.flatMap((g) => g.terms.map((t) => t.term.length)));
  if (longestTerm > 0) rules.push({ kind: "span", maxSpan: longestTerm });
  if (s.deny.length > 0) rules.push({ kind: "span", maxSpan: s.window + 1 });
  return rules;
}
