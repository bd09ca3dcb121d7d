/**
 * The steps from the first pick to the answer: how the first target is picked, the
 * attempt order with each entry's conditions (the failure classes after which it is
 * tried), retries and key rotation, the attempt budget, the deadline, the hedge, the
 * degraded answer and each provider's timeouts; and, with `--fail`, the attempts the
 * gateway makes when those upstreams fail and how the request ends. All of it is read
 * from the plan and decided by compiler/decision/attempt-engine.ts, the model the
 * runtime's planner is checked against.
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import { DEFAULT_FALLBACK_ON, DEFAULT_RETRY_ON } from "../../../schemas/plan/constants.js";
import { formatDuration } from "../../analysis/format.js";
import { type AttemptRun, entryConditions, runAttempts } from "../../decision/attempt-engine.js";
import { pickShares, targetLabel } from "../../decision/decide.js";
import { percent } from "../../policy-tests/evaluate-test.js";
import { type FailureRule, failureScript } from "../simulate/failure-rules.js";
import type { ExplainLine, StepSink } from "./explain-steps.js";

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** Adds the pick, attempt and reliability steps; with failure rules, the run; returns the run (or null without rules). */
export function explainAttempts(plan: Plan, m: number, sink: StepSink, rules: readonly FailureRule[] | null, stream: boolean): AttemptRun | null {
  const model = plan.models[m];
  if (model === undefined) return null;
  const shares = pickShares(plan, m);
  const picked =
    model.selection === undefined
      ? model.weighted.length === 1
        ? "the only weighted target"
        : "picked by weight"
      : `picked by the selection program (${model.selection.scorers.map((s) => s.kind).join(" + ")}); weights as the starting shares`;
  sink.step(
    "pick",
    `first attempt: ${picked}`,
    null,
    shares.map((p) => ({ text: `${percent(p.share).padStart(6)}  ${targetLabel(plan, p.target)}`, at: sink.at("models", m, "weighted", model.weighted.indexOf(p.target)) })),
  );
  const rel = model.reliability;
  const conditional = model.fallbackOn !== undefined;
  sink.step(
    "attempts",
    conditional
      ? "after a failure before the first byte, the next entry in this order that is tried after that failure's class (the picked one skipped)"
      : `after a failure before the first byte (${DEFAULT_FALLBACK_ON.join(", ")}), the others in this order (the picked one skipped)`,
    null,
    model.fallbacks.map((t, i) => {
      const on = entryConditions(plan, m, i);
      const when = !conditional ? "" : sameSet(on, DEFAULT_FALLBACK_ON) ? "   after the default classes" : `   only after ${on.join(", ")}`;
      return { text: `${String(i + 1).padStart(4)}. ${targetLabel(plan, t)}${when}`, at: sink.at("models", m, "fallbacks", i) };
    }),
  );
  if (rel !== undefined && rel.retries > 0) {
    const classes = sameSet(rel.retryOn, DEFAULT_RETRY_ON) ? "a transient failure" : rel.retryOn.join(", ");
    sink.step(
      "retries",
      `each target is retried up to ${rel.retries} ${rel.retries === 1 ? "time" : "times"} after ${classes}, waiting up to ${formatDuration(rel.backoffBaseMs)} (doubling, at most ${formatDuration(rel.backoffMaxMs)}); a retry-after up to ${formatDuration(rel.maxRetryAfterMs)} is waited for`,
      sink.at("models", m, "reliability", "retries"),
    );
  } else sink.step("retries", "none: a failed target is not tried again", null);
  const multiKey = [...new Set(model.fallbacks.map((t) => plan.targets[t]?.upstream ?? -1))].filter((u) => (plan.upstreams[u]?.apiKeys.length ?? 0) > 1);
  if (multiKey.length > 0) {
    const names = multiKey.map((u) => `\`${plan.upstreams[u]?.name ?? "?"}\` (${plan.upstreams[u]?.apiKeys.length} keys)`);
    sink.step("retries", `a 429 or 401/403 first moves to another API key of the same provider, each key once: ${names.join(", ")}`, null);
  }
  if (rel !== undefined)
    sink.step("budget", `at most ${rel.maxAttempts} attempts in all (retries, other keys, fallbacks and hedges)`, sink.at("models", m, "reliability", "maxAttempts"));
  explainDeadline(plan, m, sink);
  if (rel?.hedgeDelayMs != null) {
    sink.step(
      "hedge",
      `after ${formatDuration(rel.hedgeDelayMs)} without an answer (streams: a first token), the next candidate races the first attempt; the first to answer wins`,
      sink.at("models", m, "reliability", "hedgeDelayMs"),
    );
  }
  if (rel?.degraded != null) {
    const d = rel.degraded;
    const text = d.message.length > 60 ? `${d.message.slice(0, 57)}…` : d.message;
    sink.step(
      "degraded",
      `when the request ends after ${d.on.join(", ")}: status ${d.status} with "${text}" (not an upstream answer)`,
      sink.at("models", m, "reliability", "degraded"),
    );
  }
  const upstreams = [...new Set(model.fallbacks.map((t) => plan.targets[t]?.upstream ?? -1))].filter((u) => u >= 0);
  sink.step(
    "timeouts",
    "per attempt",
    null,
    upstreams.map((u) => timeoutLine(plan, u, sink)),
  );
  if (rules === null) return null;
  // The most likely first pick (the first of the largest share).
  const first = shares.reduce((a, b) => (b.share > a.share ? b : a), shares[0] ?? { target: model.weighted[0] ?? -1, share: 0 }).target;
  const run = runAttempts(
    plan,
    m,
    first,
    failureScript(rules, plan, () => 0),
    { stream },
  );
  sink.step("run", `with the failures assumed, first pick ${targetLabel(plan, first)}:`, null, runLines(plan, run));
  return run;
}

function explainDeadline(plan: Plan, m: number, sink: StepSink): void {
  const model = plan.models[m];
  const deadline = model?.reliability?.deadlineMs ?? null;
  if (model === undefined || deadline === null) return;
  const outliving = [...new Set(model.fallbacks.map((t) => plan.targets[t]?.upstream ?? -1))]
    .map((u) => plan.upstreams[u])
    .filter((u) => u !== undefined && u.timeouts.totalMs >= deadline)
    .map((u): ExplainLine => ({ text: `\`${u!.name}\` may run to ${formatDuration(u!.timeouts.totalMs)}: a timeout on it ends the request (nothing after it runs)`, at: null }));
  sink.step(
    "deadline",
    `the whole request within ${formatDuration(deadline)}; each attempt gets at most what is left`,
    sink.at("models", m, "reliability", "deadlineMs"),
    outliving,
  );
}

/** One line per attempt of a run, then how it ends. */
export function runLines(plan: Plan, run: AttemptRun): ExplainLine[] {
  const lines = run.attempts.map((a, i): ExplainLine => {
    const outcome = a.outcome === "answered" ? "answers" : a.outcome === "abandoned" ? "abandoned (the other attempt answered first)" : `fails: ${a.outcome}`;
    return { text: `${String(i + 1).padStart(4)}. ${a.role.padEnd(11)} ${targetLabel(plan, a.target)} at ${formatDuration(a.startMs)}: ${outcome}`, at: null };
  });
  lines.push({ text: `      → ${runResult(plan, run)}`, at: null });
  return lines;
}

/** "served by `x` on `y` after 2 attempts", "degraded answer (200) after …", "fails with the last error (server): every candidate for it was tried". */
export function runResult(plan: Plan, run: AttemptRun): string {
  const r = run.result;
  const n = `${run.attempts.length} ${run.attempts.length === 1 ? "attempt" : "attempts"}, ${formatDuration(run.elapsedMs)}`;
  if (r.kind === "served") return `served by ${targetLabel(plan, r.target)} (${n})`;
  if (r.kind === "degraded") return `the degraded answer, status ${r.status} (${n})`;
  const why = {
    exhausted: `no further entry is tried after ${r.class}`,
    budget: "the attempt budget is spent",
    deadline: "the deadline has passed",
    "not-retryable": `${r.class} is not tried anywhere else`,
  }[r.reason];
  return `the client gets the last error, ${r.class}: ${why} (${n})`;
}

/**
 * "`openai`: connect 5s (default), first byte 30s, …". With a source map, a timeout
 * the policy does not write is a default; without one, that cannot be told.
 */
function timeoutLine(plan: Plan, u: number, sink: StepSink): ExplainLine {
  const upstream = plan.upstreams[u];
  if (upstream === undefined) return { text: "?", at: null };
  const fields = [
    ["connect", "connectMs"],
    ["first byte", "firstByteMs"],
    ["first token", "firstTokenMs"],
    ["idle", "idleMs"],
    ["total", "totalMs"],
  ] as const;
  let written: ExplainLine["at"] = null;
  const mapped = sink.at("upstreams", u) !== null;
  const parts = fields.flatMap(([label, key]) => {
    const value = upstream.timeouts[key];
    if (value === undefined) return [];
    const where = sink.at("upstreams", u, "timeouts", key);
    written ??= where;
    // firstToken has no default: when the plan has it, the policy wrote it.
    return [`${label} ${formatDuration(value)}${where === null && mapped && key !== "firstTokenMs" ? " (default)" : ""}`];
  });
  return { text: `\`${upstream.name}\`: ${parts.join(", ")}`, at: written ?? sink.at("upstreams", u) };
}
