/**
 * Guardrail sets normalized (part of apply-defaults): names resolved to indices,
 * each route's attached sets (its model's first, then its own, each once), the
 * moderation providers (input and output) resolved and their timeouts converted. Reports unknown set and
 * provider names, duplicate set names, sets that check nothing or are never attached.
 */
import type { Model } from "../../schemas/policy/model.js";
import type { GuardrailSet, Moderation, OutputModeration } from "../../schemas/policy/guardrail.js";
import type { Route } from "../../schemas/policy/route.js";
import { type CompileContext, child } from "../context.js";
import { describePath } from "../diagnostics/describe-path.js";
import { suggestName } from "../diagnostics/suggest.js";
import type { Located, NormalizedRoute } from "../ir.js";
import { parseDuration } from "../passes/values/duration.js";
import type { NormalizedGuardrails, NormalizedGuardrailSet } from "./normalized-guardrails.js";

const DEFAULT_MODERATION_TIMEOUT = "2s";

export function normalizeGuardrails(
  sets: readonly Located<GuardrailSet>[],
  routes: readonly Located<Route>[],
  models: readonly Located<Model>[],
  normalizedRoutes: readonly NormalizedRoute[],
  providerIndex: ReadonlyMap<string, number>,
  ctx: CompileContext,
): NormalizedGuardrails {
  const index = new Map<string, number>();
  const normalized: NormalizedGuardrailSet[] = sets.map(({ value, at }, i) => {
    const first = index.get(value.name);
    if (first !== undefined) {
      ctx.report("duplicate-name", { kind: "guardrail set", name: value.name }, child(at, "name"), {
        related: [{ at: child(sets[first]!.at, "name"), message: "first defined here" }],
      });
    } else index.set(value.name, i);
    if (value.input === undefined && value.output === undefined) ctx.report("empty-guardrail", { name: value.name }, child(at, "name"));
    const input = resolveModeration(value.input?.moderation, "input", value.name, at, providerIndex, ctx);
    const output = resolveModeration(value.output?.moderation, "output", value.name, at, providerIndex, ctx);
    const m = value.input?.moderation;
    if (m?.parallel === true && m.action === "flag" && m.onError === "open")
      ctx.report("moderation-parallel-flag", { name: value.name }, child(at, "input", "moderation", "parallel"));
    return {
      name: value.name,
      at,
      value,
      moderationProvider: input.provider,
      moderationTimeoutMs: input.timeoutMs,
      outputModerationProvider: output.provider,
      outputModerationTimeoutMs: output.timeoutMs,
    };
  });

  const used = new Set<number>();
  const resolve = (names: readonly string[] | undefined, at: Located<unknown>["at"], what: string): number[] => {
    const out: number[] = [];
    names?.forEach((name, i) => {
      const k = index.get(name);
      if (k === undefined) {
        ctx.report("unknown-guardrail", { what, name }, child(at, "guardrails", i), { suggestion: suggestName(name, [...index.keys()], "guardrail sets") });
        return;
      }
      used.add(k);
      out.push(k);
    });
    return out;
  };
  const byModel = models.map(({ value, at }) => resolve(value.guardrails, at, `model \`${value.name}\``));
  const explicit = routes.map(({ value, at }, i) => resolve(value.guardrails, at, normalizedRoutes[i]?.label ?? "a route"));
  const byRoute = normalizedRoutes.map((route, i) => {
    const own = route.implicit ? [] : (explicit[i] ?? []);
    return [...new Set([...(byModel[route.model] ?? []), ...own])];
  });
  normalized.forEach((set, i) => {
    if (!used.has(i) && index.get(set.name) === i) ctx.report("unused-guardrail", { name: set.name }, child(set.at, "name"));
  });
  return { sets: normalized, byRoute };
}

/** A moderation check's provider index (null when unknown, reported) and timeout, for one direction of a set. */
function resolveModeration(
  m: Moderation | OutputModeration | undefined,
  direction: "input" | "output",
  set: string,
  at: Located<GuardrailSet>["at"],
  providerIndex: ReadonlyMap<string, number>,
  ctx: CompileContext,
): { provider: number | null; timeoutMs: number } {
  if (m === undefined) return { provider: null, timeoutMs: 0 };
  let provider: number | null = null;
  const p = providerIndex.get(m.provider);
  if (p === undefined) {
    ctx.report("unknown-moderation-provider", { set, name: m.provider }, child(at, direction, "moderation", "provider"), {
      suggestion: suggestName(m.provider, [...providerIndex.keys()], "providers"),
    });
  } else provider = p;
  if (m.api === "guard-model" && m.model === undefined) ctx.report("guard-model-without-model", { direction, set }, child(at, direction, "moderation", "api"));
  const timeout = parseDuration(m.timeout ?? DEFAULT_MODERATION_TIMEOUT);
  if (!timeout.ok) {
    ctx.report(
      "bad-duration",
      { what: describePath(at.doc.value, [...at.path, direction, "moderation", "timeout"]), reason: timeout.reason },
      child(at, direction, "moderation", "timeout"),
    );
  }
  return { provider, timeoutMs: timeout.ok ? timeout.value : 0 };
}
