/**
 * Pass: check-reliability. Contradictions and no-ops in the reliability settings: key
 * weights that do not match the keys, a hedge that can never start (its delay is not
 * shorter than the first-token timeout or the deadline, or there is nothing to race),
 * timeouts and cool-downs in the wrong order, retries and fallbacks on failures that
 * cannot get better elsewhere, and an attempt budget that never binds.
 */
import { type CompileContext, child } from "../context.js";
import type { ExpandedPolicy, NormalizedModel } from "../ir.js";
import { attemptSlots } from "../analysis/attempt-slots.js";
import { attemptTargets, targetLabel } from "../analysis/worst-case.js";
import { formatDuration } from "../analysis/format.js";

/** Failures a retry of the same target cannot fix. */
const HOPELESS_RETRY = ["bad_request", "context_too_long", "content_filtered", "auth"] as const;
/** Failures that are the client's own: a made-up answer would hide them. */
const CLIENT_FAULTS = ["bad_request", "context_too_long"] as const;

/** Reports contradictions in the reliability settings; returns its input unchanged. */
export function checkReliability(policy: ExpandedPolicy, ctx: CompileContext): ExpandedPolicy {
  for (const p of policy.providers) {
    if (p.keyWeights !== null) {
      const at = child(p.at, "keyWeights");
      if (p.keyWeights.length !== p.apiKeys.length) {
        ctx.report("key-weights-length", { provider: p.name, weights: p.keyWeights.length, keys: p.apiKeys.length }, at);
      } else if (p.keyWeights.length > 0 && p.keyWeights.every((w) => w === 0)) {
        ctx.report("key-weights-zero", { provider: p.name }, at);
      }
    }
    const ttft = p.timeouts.firstTokenMs;
    if (ttft !== undefined && ttft >= p.timeouts.totalMs) {
      ctx.report("first-token-not-shorter", { provider: p.name, ttft: formatDuration(ttft), total: formatDuration(p.timeouts.totalMs) }, child(p.at, "timeouts", "firstToken"));
    }
    const h = p.health;
    if (h === null) continue;
    if (h.cooldownMs > h.maxCooldownMs) {
      ctx.report("cooldown-over-max", { provider: p.name, cooldown: formatDuration(h.cooldownMs), max: formatDuration(h.maxCooldownMs) }, child(p.at, "health", "cooldown"));
    }
    if (h.probe !== null && h.probe.timeoutMs >= h.probe.intervalMs) {
      ctx.report(
        "probe-timeout-not-shorter",
        { provider: p.name, timeout: formatDuration(h.probe.timeoutMs), interval: formatDuration(h.probe.intervalMs) },
        child(p.at, "health", "probe", "timeout"),
      );
    }
  }
  policy.models.forEach((model, m) => checkModel(policy, model, m, ctx));
  return policy;
}

function checkModel(policy: ExpandedPolicy, model: NormalizedModel, m: number, ctx: CompileContext): void {
  const steps = policy.attempts[m] ?? [];
  model.fallbacks.forEach((f, i) => {
    if (f.on?.includes("bad_request")) ctx.report("fallback-on-bad-request", { model: model.name }, child(model.at, "fallbacks", i, "on"));
    if (f.kind === "target" && f.on?.includes("context_too_long") && model.targets.some((t) => t.model === f.model)) {
      ctx.report("context-fallback-same-model", { model: model.name, upstream: f.model }, child(model.at, "fallbacks", i, "model"));
    }
  });
  const rel = model.reliability;
  if (rel === null) return;
  if (rel.retries > 0) {
    for (const cls of HOPELESS_RETRY) {
      if (rel.retryOn.includes(cls)) ctx.report("retry-cannot-help", { model: model.name, class: cls }, child(model.at, "retry", "on"));
    }
  } else {
    for (const field of ["on", "backoff", "maxRetryAfter"] as const) {
      if (hasWritten(model, ["retry", field])) ctx.report("retry-settings-without-retries", { model: model.name, field }, child(model.at, "retry", field), { part: "key" });
    }
  }
  if (rel.degraded !== null && hasWritten(model, ["degraded", "on"])) {
    for (const cls of CLIENT_FAULTS) {
      if (rel.degraded.on.includes(cls)) ctx.report("degraded-on-nothing-reaches", { model: model.name, class: cls }, child(model.at, "degraded", "on"));
    }
  }
  if (rel.maxAttempts > 0) {
    const slots = attemptSlots(attemptTargets(policy, steps), rel).length;
    if (rel.maxAttempts > slots) ctx.report("attempt-budget-unused", { model: model.name, budget: rel.maxAttempts, slots }, child(model.at, "maxAttempts"));
  }
  checkDeadline(policy, model, m, ctx);
  const delay = rel.hedgeDelayMs;
  if (delay === null) return;
  const delayAt = child(model.at, "hedge", "delay");
  if (steps.length < 2) ctx.report("hedge-without-candidate", { model: model.name }, child(model.at, "hedge"), { part: "key" });
  if (rel.deadlineMs !== null && delay >= rel.deadlineMs) {
    ctx.report("hedge-after-deadline", { model: model.name, delay: formatDuration(delay), deadline: formatDuration(rel.deadlineMs) }, delayAt);
  }
  // The hedge races the first attempt, which is one of the model's weighted targets.
  const reported = new Set<number>();
  for (const t of model.targets) {
    const p = policy.providers[t.provider];
    const ttft = p?.timeouts.firstTokenMs;
    if (p === undefined || ttft === undefined || t.weight <= 0 || delay < ttft || reported.has(t.provider)) continue;
    reported.add(t.provider);
    ctx.report("hedge-after-first-token", { model: model.name, delay: formatDuration(delay), provider: p.name, ttft: formatDuration(ttft) }, delayAt, {
      related: [{ at: child(p.at, "timeouts", "firstToken"), message: `\`timeouts.firstToken\` of provider \`${p.name}\`` }],
    });
  }
}

/**
 * An attempt allowed to run as long as the whole request (or longer) uses up the
 * deadline when it times out: the planner then ends the request, and the retries or
 * fallbacks after it never run. Reported once per provider, at the deadline.
 */
function checkDeadline(policy: ExpandedPolicy, model: NormalizedModel, m: number, ctx: CompileContext): void {
  const deadline = model.reliability?.deadlineMs ?? null;
  if (deadline === null) return;
  const steps = policy.attempts[m] ?? [];
  const retries = model.reliability?.retries ?? 0;
  const reported = new Set<number>();
  steps.forEach((step, i) => {
    const p = policy.providers[step.target.provider];
    if (p === undefined || p.timeouts.totalMs < deadline || reported.has(step.target.provider)) return;
    const next = steps[i + 1];
    const after =
      retries > 0 ? "a retry" : p.apiKeys.length > 1 ? "another key" : next !== undefined ? `the next entry of the attempt order (${targetLabel(policy, next.target)})` : null;
    if (after === null) return;
    reported.add(step.target.provider);
    ctx.report(
      "attempt-outlives-deadline",
      { provider: p.name, total: formatDuration(p.timeouts.totalMs), model: model.name, deadline: formatDuration(deadline), after },
      child(model.at, "deadline"),
      {
        related: [
          {
            at: p.writtenTimeouts.includes("total") ? child(p.at, "timeouts", "total") : p.at,
            message: `\`timeouts.total\` of provider \`${p.name}\`${p.writtenTimeouts.includes("total") ? "" : " (the default)"}`,
          },
        ],
      },
    );
  });
}

/** True when the model's policy entry writes the field at `path` (defaults do not count). */
function hasWritten(model: NormalizedModel, path: readonly string[]): boolean {
  let node: unknown = model.at.doc.value;
  for (const seg of [...model.at.path, ...path]) {
    if (typeof node !== "object" || node === null) return false;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node !== undefined;
}
