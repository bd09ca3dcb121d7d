/**
 * Guardrails lowered to the plan (part of lower): one chain per distinct list of
 * attached sets, merged so the runtime does the least work. Per direction: each PII
 * detector once, in catalog order, with the strictest action any set gives it; all
 * deny terms grouped by matching options (one automaton per group, usually one);
 * all deny patterns in one list (one combined regex); the lowest limits; the lowest
 * injection threshold; the output window wide enough for the longest deny term.
 */
import { PII_DETECTORS, stricterAction, type GuardrailAction } from "../../schemas/catalog/guardrails.js";
import type { PlanGuardrailChain, PlanGuardrails, PlanGuardrailScan, PlanLimitRule, PlanModeration, PlanOutputModeration, PlanTermGroup } from "../../schemas/plan/guardrails.js";
import type { InputChecks, OutputChecks } from "../../schemas/policy/guardrail.js";
import { type CompileContext, child } from "../context.js";
import type { NormalizedRoute } from "../ir.js";
import type { NormalizedGuardrails, NormalizedGuardrailSet } from "./normalized-guardrails.js";

/** Default characters held back on output streams: a spaced IBAN (42) or card plus separators fits. */
export const DEFAULT_WINDOW = 48;
const DEFAULT_INJECTION_THRESHOLD = 0.5;
const DEFAULT_MODERATION_MODEL = "omni-moderation-latest";
/** Default characters of a streamed answer per output moderation call. */
export const DEFAULT_MODERATION_EVERY = 1000;

export function lowerGuardrails(g: NormalizedGuardrails, routes: readonly NormalizedRoute[], ctx: CompileContext): PlanGuardrails | undefined {
  if (g.byRoute.every((sets) => sets.length === 0)) return undefined;
  const chains: PlanGuardrailChain[] = [];
  const chainIndex = new Map<string, number>();
  const byRoute = g.byRoute.map((sets, r) => {
    if (sets.length === 0) return null;
    const key = sets.join(",");
    let i = chainIndex.get(key);
    if (i === undefined) {
      i = chains.length;
      chains.push(
        mergeChain(
          sets.map((s) => g.sets[s]!),
          routes[r]!,
          ctx,
        ),
      );
      chainIndex.set(key, i);
    }
    return i;
  });
  return { chains, routes: byRoute };
}

function mergeChain(sets: readonly NormalizedGuardrailSet[], route: NormalizedRoute, ctx: CompileContext): PlanGuardrailChain {
  const limit = (pick: (i: InputChecks) => number | undefined): PlanLimitRule | null => {
    let best: PlanLimitRule | null = null;
    for (const s of sets) {
      const v = s.value.input === undefined ? undefined : pick(s.value.input);
      if (v !== undefined && (best === null || v < best.limit)) best = { limit: v, rule: s.name };
    }
    return best;
  };
  return {
    name: sets.map((s) => s.name).join("+"),
    maxMessages: limit((i) => i.maxMessages),
    maxPromptTokens: limit((i) => i.maxPromptTokens),
    input: mergeScan(sets, "input", route, ctx),
    output: mergeScan(sets, "output", route, ctx),
    moderation: mergeModeration(sets, route, ctx),
    ...outputModerationOf(sets, route, ctx),
  };
}

function mergeScan(sets: readonly NormalizedGuardrailSet[], direction: "input" | "output", route: NormalizedRoute, ctx: CompileContext): PlanGuardrailScan | null {
  const parts = sets.flatMap((s) => {
    const checks: InputChecks | OutputChecks | undefined = s.value[direction];
    return checks === undefined ? [] : [{ set: s, checks }];
  });
  const pii: PlanGuardrailScan["pii"] = [];
  for (const detector of PII_DETECTORS) {
    let best: { action: GuardrailAction; rule: string } | null = null;
    for (const { set, checks } of parts) {
      const action = checks.pii?.[detector];
      if (action !== undefined && (best === null || stricterAction(best.action, action) !== best.action)) best = { action, rule: set.name };
    }
    if (best !== null) pii.push({ detector, ...best });
  }

  const groups = new Map<string, PlanTermGroup & { index: Map<string, number> }>();
  for (const { set, checks } of parts) {
    for (const list of checks.denyTerms ?? []) {
      const caseSensitive = list.caseSensitive ?? false;
      const wholeWords = list.wholeWords ?? true;
      const action = list.action ?? "block";
      const key = `${caseSensitive}:${wholeWords}`;
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = { caseSensitive, wholeWords, terms: [], index: new Map() }));
      for (const term of list.terms) {
        const id = caseSensitive ? term : term.toLowerCase();
        const at = group.index.get(id);
        if (at === undefined) {
          group.index.set(id, group.terms.length);
          group.terms.push({ term, action, rule: set.name });
        } else if (stricterAction(group.terms[at]!.action, action) !== group.terms[at]!.action) {
          group.terms[at] = { term: group.terms[at]!.term, action, rule: set.name };
        }
      }
    }
  }
  const terms = [...groups.values()].map(({ caseSensitive, wholeWords, terms }) => ({ caseSensitive, wholeWords, terms }));

  const deny: PlanGuardrailScan["deny"] = [];
  for (const { set, checks } of parts) {
    for (const d of checks.denyPatterns ?? []) {
      const action = d.action ?? "block";
      const same = deny.findIndex((x) => x.pattern === d.pattern);
      if (same === -1) deny.push({ pattern: d.pattern, action, rule: set.name });
      else if (stricterAction(deny[same]!.action, action) !== deny[same]!.action) deny[same] = { pattern: d.pattern, action, rule: set.name };
    }
  }
  if (deny.length > 0) {
    try {
      new RegExp(deny.map((d) => `(?:${d.pattern})`).join("|"), "u");
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).replace(/^Invalid regular expression: \/.*\/\w*: /s, "").replace(/`/g, "'");
      ctx.report("uncombinable-deny-patterns", { direction, route: route.label, reason }, route.implicit ? route.at : child(route.at, "guardrails"));
    }
  }
  const allow = [...new Set(parts.flatMap(({ checks }) => checks.allowPatterns ?? []))];

  let injection: PlanGuardrailScan["injection"] = null;
  if (direction === "input") {
    for (const { set, checks } of parts) {
      const inj = (checks as InputChecks).injection;
      if (inj === undefined) continue;
      const threshold = inj.threshold ?? DEFAULT_INJECTION_THRESHOLD;
      const action = inj.action ?? "block";
      if (injection === null) injection = { threshold, action, rule: set.name };
      else
        injection = {
          threshold: Math.min(threshold, injection.threshold),
          action: injection.action === "block" || action === "block" ? "block" : "flag",
          rule: injection.action === "block" ? injection.rule : set.name,
        };
    }
  }

  let window = 0;
  if (direction === "output") {
    const longest = Math.max(0, ...terms.flatMap((g) => g.terms.map((t) => t.term.length)));
    for (const { set, checks } of parts) {
      const asked = (checks as OutputChecks).window;
      const w = Math.max(asked ?? DEFAULT_WINDOW, longest + 1);
      if (asked !== undefined && asked <= longest)
        ctx.report("guardrail-window-short", { name: set.name, window: asked, longest, raised: longest + 1 }, child(set.at, "output", "window"));
      window = Math.max(window, w);
    }
  }

  if (pii.length === 0 && terms.length === 0 && deny.length === 0 && injection === null) return null;
  return { pii, terms, deny, allow, injection, window };
}

function mergeModeration(sets: readonly NormalizedGuardrailSet[], route: NormalizedRoute, ctx: CompileContext): PlanModeration | null {
  let found: { plan: PlanModeration; set: string } | null = null;
  for (const s of sets) {
    const m = s.value.input?.moderation;
    if (m === undefined || s.moderationProvider === null) continue;
    const plan: PlanModeration = {
      upstream: s.moderationProvider,
      ...(m.api === "guard-model" ? { api: "guard-model" as const } : {}),
      model: m.model ?? DEFAULT_MODERATION_MODEL,
      timeoutMs: s.moderationTimeoutMs,
      onError: m.onError,
      // Holding the answer buys nothing when the verdict can never refuse it.
      parallel: (m.parallel ?? false) && !(m.action === "flag" && m.onError === "open"),
      categories: m.categories === undefined ? null : [...m.categories],
      action: m.action ?? "block",
      rule: s.name,
    };
    if (found === null) found = { plan, set: s.name };
    else if (JSON.stringify({ ...found.plan, rule: "" }) !== JSON.stringify({ ...plan, rule: "" })) {
      ctx.report("conflicting-moderation", { route: route.label, first: found.set, second: s.name }, route.implicit ? route.at : child(route.at, "guardrails"));
    }
  }
  return found?.plan ?? null;
}

/** The output moderation check of a chain (one per route, like the input check), as an optional plan field. */
function outputModerationOf(sets: readonly NormalizedGuardrailSet[], route: NormalizedRoute, ctx: CompileContext): { outputModeration?: PlanOutputModeration } {
  let found: { plan: PlanOutputModeration; set: string } | null = null;
  for (const s of sets) {
    const m = s.value.output?.moderation;
    if (m === undefined || s.outputModerationProvider === null) continue;
    const plan: PlanOutputModeration = {
      upstream: s.outputModerationProvider,
      ...(m.api === "guard-model" ? { api: "guard-model" as const } : {}),
      model: m.model ?? DEFAULT_MODERATION_MODEL,
      timeoutMs: s.outputModerationTimeoutMs,
      onError: m.onError,
      categories: m.categories === undefined ? null : [...m.categories],
      action: m.action ?? "block",
      rule: s.name,
      everyChars: m.every ?? DEFAULT_MODERATION_EVERY,
    };
    if (found === null) found = { plan, set: s.name };
    else if (JSON.stringify({ ...found.plan, rule: "" }) !== JSON.stringify({ ...plan, rule: "" })) {
      ctx.report("conflicting-moderation", { route: route.label, first: found.set, second: s.name }, route.implicit ? route.at : child(route.at, "guardrails"));
    }
  }
  return found === null ? {} : { outputModeration: found.plan };
}
