import { describe, expect, it } from "vitest";
import type { LinkedModel, LinkedTarget, LinkedUpstream } from "../plan/linked-plan.js";
import { AttemptPlanner } from "./attempt-planner.js";
import { BreakerTable } from "./circuit-breaker.js";
import { classMask } from "./error-mask.js";
import { KeyRing } from "./key-ring.js";
import type { HealthState, LinkedReliability } from "./linked-reliability.js";

const breaker = { consecutiveFailures: 1, errorRate: null, cooldownMs: 1000, maxCooldownMs: 1000 };

function setup(keysPerUpstream: number[], rel: LinkedReliability | null, masks: string[][] | null = null) {
  const weights: number[] = [];
  const targets: LinkedTarget[] = keysPerUpstream.map((count, slot) => {
    const first = weights.length;
    for (let i = 0; i < count; i++) weights.push(1);
    const upstream = { name: `u${slot}`, reliability: { slot, keys: { first, count }, keyCooldownMs: 1000, maxCooldownMs: 1000, firstTokenMs: 0 } } as unknown as LinkedUpstream;
    return { upstream, model: `m${slot}` };
  });
  const health: HealthState = {
    breakers: new BreakerTable(targets.map(() => breaker)),
    keys: new KeyRing(weights),
    keyRanges: targets.map((t) => t.upstream.reliability.keys),
  };
  const model = {
    index: 0,
    name: "m",
    weighted: [targets[0]!],
    cumulativeWeights: [1],
    fallbacks: targets,
    unavailable: null,
    fallbackMasks: masks === null ? null : Int32Array.from(masks.map(classMask)),
    reliability: rel,
  } satisfies LinkedModel;
  return { targets, health, planner: new AttemptPlanner(model, targets[0]!, health, 0) };
}

const rel = (over: Partial<LinkedReliability> = {}): LinkedReliability => ({
  retries: 0,
  retryMask: classMask(["server", "timeout", "rate_limited"]),
  backoffBaseMs: 100,
  backoffMaxMs: 1000,
  maxRetryAfterMs: 5000,
  maxAttempts: 10,
  deadlineMs: 0,
  hedgeDelayMs: 0,
  degraded: null,
  ...over,
});

describe("attempt planner", () => {
  it("without settings: moves down the order on default classes, gives up on a bad request", () => {
    const { targets, planner } = setup([0, 0, 0], null);
    planner.started(targets[0]!, -1);
    expect(planner.decide("server", null, 0)).toEqual({ action: "next", target: targets[1] });
    planner.started(targets[1]!, -1);
    expect(planner.decide("bad_request", null, 0)).toEqual({ action: "fail", reason: "not-retryable" });
  });

  it("retries the same target with backoff, then moves on", () => {
    const { targets, planner } = setup([0, 0], rel({ retries: 2 }));
    planner.started(targets[0]!, -1);
    expect(planner.decide("server", null, 0, 0.5)).toEqual({ action: "retry", target: targets[0], delayMs: 50, rotateKey: false });
    planner.started(targets[0]!, -1);
    expect(planner.decide("server", null, 0, 0.5)).toEqual({ action: "retry", target: targets[0], delayMs: 100, rotateKey: false });
    planner.started(targets[0]!, -1);
    expect(planner.decide("server", null, 0, 0.5)).toEqual({ action: "next", target: targets[1] });
  });

  it("honours retry-after, and moves on at once when it is beyond the ceiling", () => {
    const { targets, planner } = setup([0, 0], rel({ retries: 1 }));
    planner.started(targets[0]!, -1);
    expect(planner.decide("rate_limited", 2000, 0)).toMatchObject({ action: "retry", delayMs: 2000 });
    const other = setup([0, 0], rel({ retries: 1 }));
    other.planner.started(other.targets[0]!, -1);
    expect(other.planner.decide("rate_limited", 9000, 0)).toMatchObject({ action: "next", target: other.targets[1] });
  });

  it("on a rate-limited key moves to the next key of the same target first, each key once", () => {
    const { targets, planner, health } = setup([2, 0], null);
    planner.started(targets[0]!, 0);
    health.keys.rateLimitedFor(0, 0, 1000);
    expect(planner.decide("rate_limited", 1000, 0)).toEqual({ action: "retry", target: targets[0], delayMs: 0, rotateKey: true });
    planner.started(targets[0]!, 1);
    expect(planner.decide("rate_limited", null, 0)).toEqual({ action: "next", target: targets[1] });
  });

  it("follows fallback conditions: context_too_long only to the entry that names it", () => {
    const def = ["rate_limited", "overloaded", "server", "timeout", "connect", "interrupted", "auth"];
    const { targets, planner } = setup([0, 0, 0], null, [def, def, ["context_too_long"]]);
    planner.started(targets[0]!, -1);
    expect(planner.decide("context_too_long", null, 0)).toEqual({ action: "next", target: targets[2] });
  });

  it("skips ejected endpoints, but tries one anyway when all are ejected", () => {
    const { targets, planner, health } = setup([0, 0, 0], null);
    health.breakers.failure(1, 0);
    planner.started(targets[0]!, -1);
    expect(planner.decide("server", null, 0)).toEqual({ action: "next", target: targets[2] });
    const all = setup([0, 0, 0], null);
    all.health.breakers.failure(1, 0);
    all.health.breakers.failure(2, 0);
    all.planner.started(all.targets[0]!, -1);
    expect(all.planner.decide("server", null, 0)).toEqual({ action: "next", target: all.targets[1] });
  });

  it("stops at the attempt budget and the deadline, serving the degraded answer when it applies", () => {
    const degraded = { status: 200, message: "busy", mask: classMask(["server"]) };
    const { targets, planner } = setup([0, 0, 0], rel({ maxAttempts: 2, degraded }));
    planner.started(targets[0]!, -1);
    expect(planner.decide("server", null, 0)).toMatchObject({ action: "next" });
    planner.started(targets[1]!, -1);
    expect(planner.decide("server", null, 0)).toEqual({ action: "degraded" });
    const timed = setup([0, 0], rel({ deadlineMs: 100, retries: 1 }));
    timed.planner.started(timed.targets[0]!, -1);
    expect(timed.planner.decide("server", 500, 50)).toMatchObject({ action: "next" }); // the wait would pass the deadline
    timed.planner.started(timed.targets[1]!, -1);
    expect(timed.planner.decide("server", null, 100)).toEqual({ action: "fail", reason: "deadline" });
  });
});
