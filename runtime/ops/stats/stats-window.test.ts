/** The statistics window: deltas add up per second, spans and quantiles come out right, old seconds leave. */
import { describe, expect, it } from "vitest";
import { addDelta, emptyDelta, latencyBucket, quantileMs } from "./stats-delta.js";
import { StatsWindow } from "./stats-window.js";

function delta(requests: number, failures: number, latencyMs: number, spendUsd = 0) {
  const d = emptyDelta();
  d.requests = requests;
  d.failures = failures;
  d.latency[latencyBucket(latencyMs)] = requests;
  d.spendUsd = spendUsd;
  d.usage["team\u0000chat"] = { requests, inputTokens: 10 * requests, outputTokens: 5 * requests, spendUsd };
  return d;
}

describe("stats window", () => {
  it("adds deltas of several threads into one second and summarizes a span", () => {
    let now = 1_000_000;
    const w = new StatsWindow(60_000, () => now);
    now += 10_000;
    w.add(delta(8, 0, 40, 0.5));
    w.add(delta(2, 2, 2500, 0.5));
    const s = w.summary(10_000);
    expect(s.requests).toBe(10);
    expect(s.successRate).toBeCloseTo(0.8);
    expect(s.requestsPerSecond).toBeCloseTo(1);
    expect(s.spendPerHourUsd).toBeCloseTo(360);
    expect(s.latencyMs.p50).toBeGreaterThan(30);
    expect(s.latencyMs.p50).toBeLessThanOrEqual(50);
    expect(s.latencyMs.p95).toBeGreaterThan(2000);
    expect(s.delta.usage["team\u0000chat"]).toEqual({ requests: 10, inputTokens: 100, outputTokens: 50, spendUsd: 1 });
  });

  it("forgets seconds older than it retains, and spans only see their own seconds", () => {
    let now = 5_000_000;
    const w = new StatsWindow(5_000, () => now);
    w.add(delta(3, 3, 10));
    now += 4_000;
    w.add(delta(1, 0, 10));
    expect(w.summary(2_000).requests).toBe(1);
    expect(w.summary(10_000).requests).toBe(4);
    now += 20_000;
    w.add(delta(1, 0, 10));
    expect(w.summary(60_000).requests).toBe(1);
    expect(w.series(3_000).map((p) => p.requests)).toEqual([0, 0, 0]);
  });

  it("interpolates quantiles inside buckets and is null when empty", () => {
    const counts = emptyDelta().latency;
    expect(quantileMs(counts, 0.5)).toBeNull();
    counts[latencyBucket(100)] = 10;
    const p50 = quantileMs(counts, 0.5)!;
    expect(p50).toBeGreaterThan(75);
    expect(p50).toBeLessThanOrEqual(100);
    const sum = emptyDelta();
    addDelta(sum, { ...emptyDelta(), latency: counts });
    expect(quantileMs(sum.latency, 0.99)).toBeCloseTo(quantileMs(counts, 0.99)!);
  });
});
