/**
 * Reliability settings with defaults applied and durations converted: a provider's
 * circuit breaker (`health`) and key weights, a model's retries, attempt budget,
 * deadline, hedging and degraded answer. The result is plan-shaped already
 * (`PlanHealth`, `PlanReliability`), so lowering copies it. A duration that does not
 * convert is reported (`bad-duration`) and replaced by 1 ms; the pipeline stops after
 * apply-defaults when that happened, so the placeholder is never used.
 */
import { DEFAULT_FALLBACK_ON, DEFAULT_RETRY_ON } from "../../../schemas/plan/constants.js";
import type { PlanHealth, PlanReliability } from "../../../schemas/plan/reliability.js";
import type { Model } from "../../../schemas/policy/model.js";
import type { Provider } from "../../../schemas/policy/provider.js";
import { type CompileContext, child } from "../../context.js";
import { describePath } from "../../diagnostics/describe-path.js";
import type { Origin } from "../../ir.js";
import { parseDuration } from "../values/duration.js";

/** The defaults of the reliability settings, in one place. */
export const RELIABILITY_DEFAULTS = {
  consecutiveFailures: 5,
  errorRateWindow: "30s",
  errorRateMinRequests: 20,
  cooldown: "10s",
  maxCooldown: "5m",
  keyCooldown: "5m",
  probeTimeout: "2s",
  backoffBase: "250ms",
  backoffMax: "10s",
  maxRetryAfter: "30s",
} as const;

/** Milliseconds of a written duration (reported when invalid), or of the default. */
function duration(written: number | string | undefined, fallback: string, at: Origin, ctx: CompileContext): number {
  const result = parseDuration(written ?? fallback);
  if (result.ok) return result.value;
  ctx.report("bad-duration", { what: describePath(at.doc.value, at.path), reason: result.reason }, at, { suggestion: result.suggestion });
  return 1;
}

/** The provider's breaker settings, or null when it has no `health`. */
export function normalizeHealth(p: Provider, basePath: string, at: Origin, ctx: CompileContext): PlanHealth | null {
  const h = p.health;
  if (h === undefined) return null;
  const hAt = child(at, "health");
  const d = RELIABILITY_DEFAULTS;
  return {
    consecutiveFailures: h.consecutiveFailures ?? d.consecutiveFailures,
    errorRate:
      h.errorRate === undefined
        ? null
        : {
            threshold: h.errorRate.threshold,
            windowMs: duration(h.errorRate.window, d.errorRateWindow, child(hAt, "errorRate", "window"), ctx),
            minRequests: h.errorRate.minRequests ?? d.errorRateMinRequests,
          },
    cooldownMs: duration(h.cooldown, d.cooldown, child(hAt, "cooldown"), ctx),
    maxCooldownMs: duration(h.maxCooldown, d.maxCooldown, child(hAt, "maxCooldown"), ctx),
    keyCooldownMs: duration(h.keyCooldown, d.keyCooldown, child(hAt, "keyCooldown"), ctx),
    probe:
      h.probe === undefined
        ? null
        : {
            intervalMs: duration(h.probe.interval, "", child(hAt, "probe", "interval"), ctx),
            timeoutMs: duration(h.probe.timeout, d.probeTimeout, child(hAt, "probe", "timeout"), ctx),
            path: h.probe.path ?? `${basePath}/models`,
          },
  };
}

/** The provider's `timeouts.firstToken` in ms, or undefined when not set. */
export function firstTokenMs(p: Provider, at: Origin, ctx: CompileContext): number | undefined {
  const written = p.timeouts?.firstToken;
  return written === undefined ? undefined : duration(written, "", child(at, "timeouts", "firstToken"), ctx);
}

/** True when the model sets any reliability field. */
function hasReliability(m: Model): boolean {
  return m.retry !== undefined || m.maxAttempts !== undefined || m.deadline !== undefined || m.hedge !== undefined || m.degraded !== undefined;
}

/**
 * The model's reliability settings, or null when it sets none. `maxAttempts` defaults
 * to `attemptsUpperBound` (every retry, key rotation and fallback), filled in by lowering.
 */
export function normalizeModelReliability(m: Model, at: Origin, ctx: CompileContext): PlanReliability | null {
  if (!hasReliability(m)) return null;
  const d = RELIABILITY_DEFAULTS;
  const r = m.retry;
  const rAt = child(at, "retry");
  return {
    retries: r?.attempts ?? 0,
    retryOn: [...(r?.on ?? DEFAULT_RETRY_ON)],
    backoffBaseMs: duration(r?.backoff?.base, d.backoffBase, child(rAt, "backoff", "base"), ctx),
    backoffMaxMs: duration(r?.backoff?.max, d.backoffMax, child(rAt, "backoff", "max"), ctx),
    maxRetryAfterMs: duration(r?.maxRetryAfter, d.maxRetryAfter, child(rAt, "maxRetryAfter"), ctx),
    // 0 means "not written": lowering replaces it by the attempt order's upper bound.
    maxAttempts: m.maxAttempts ?? 0,
    deadlineMs: m.deadline === undefined ? null : duration(m.deadline, "", child(at, "deadline"), ctx),
    hedgeDelayMs: m.hedge === undefined ? null : duration(m.hedge.delay, "", child(at, "hedge", "delay"), ctx),
    degraded: m.degraded === undefined ? null : { status: m.degraded.status, message: m.degraded.message, on: [...(m.degraded.on ?? DEFAULT_FALLBACK_ON)] },
  };
}
