/**
 * The live statistics the dashboard and the alert rules read, as a mergeable delta:
 * what happened in one thread during one interval. Workers post deltas to the main
 * thread, which adds them into a StatsWindow; a single-thread gateway does the same
 * in-process. Plain numbers and records only, so a delta crosses threads by
 * structured clone and two deltas add up field by field.
 */

/** Upper bounds (ms) of the latency histogram buckets; one more bucket catches the rest. */
export const LATENCY_BOUNDS_MS = [5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10_000, 15_000, 30_000, 60_000, 120_000] as const;

/** Requests, tokens and spend of one (consumer, model) pair. */
export interface UsageCell {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  spendUsd: number;
}

/** Attempts on one target (provider and upstream model). */
export interface TargetCell {
  attempts: number;
  successes: number;
}

export interface StatsDelta {
  /** Finished requests on the API endpoints (chat completions, models). */
  requests: number;
  /** Of those, failed ones: 5xx answers and streams that ended with an error. */
  failures: number;
  /** Request latency histogram: counts per LATENCY_BOUNDS_MS bucket, plus one overflow bucket. */
  latency: number[];
  /** Time to first token of streams, same buckets. */
  ttft: number[];
  /** Spend in USD (usage × target price; 0 when either is unknown). */
  spendUsd: number;
  /** Keyed by `${consumer}\u0000${model}` (consumer `-` when unauthenticated). */
  usage: Record<string, UsageCell>;
  /** Keyed by `${provider}\u0000${upstream model}`. */
  targets: Record<string, TargetCell>;
}

export function emptyDelta(): StatsDelta {
  return {
    requests: 0,
    failures: 0,
    latency: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
    ttft: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
    spendUsd: 0,
    usage: {},
    targets: {},
  };
}

/** Adds `from` into `into`. */
export function addDelta(into: StatsDelta, from: StatsDelta): void {
  into.requests += from.requests;
  into.failures += from.failures;
  into.spendUsd += from.spendUsd;
  for (let i = 0; i < into.latency.length; i++) into.latency[i]! += from.latency[i] ?? 0;
  for (let i = 0; i < into.ttft.length; i++) into.ttft[i]! += from.ttft[i] ?? 0;
  for (const [k, c] of Object.entries(from.usage)) {
    const cell = (into.usage[k] ??= { requests: 0, inputTokens: 0, outputTokens: 0, spendUsd: 0 });
    cell.requests += c.requests;
    cell.inputTokens += c.inputTokens;
    cell.outputTokens += c.outputTokens;
    cell.spendUsd += c.spendUsd;
  }
  for (const [k, c] of Object.entries(from.targets)) {
    const cell = (into.targets[k] ??= { attempts: 0, successes: 0 });
    cell.attempts += c.attempts;
    cell.successes += c.successes;
  }
}

/** The bucket index of a latency in ms. */
export function latencyBucket(ms: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_MS.length && ms > LATENCY_BOUNDS_MS[i]!) i++;
  return i;
}

/**
 * The q-quantile (0…1) of a bucket histogram in ms, interpolated linearly inside the
 * bucket it falls in (as Prometheus' histogram_quantile does); null when empty.
 */
export function quantileMs(counts: readonly number[], q: number): number | null {
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0 && seen + c >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      // The overflow bucket has no upper bound: report its lower bound.
      if (i >= LATENCY_BOUNDS_MS.length) return lower;
      const upper = LATENCY_BOUNDS_MS[i]!;
      return lower + (upper - lower) * ((rank - seen) / c);
    }
    seen += c;
  }
  return LATENCY_BOUNDS_MS.at(-1)!;
}
