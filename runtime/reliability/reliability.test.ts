import { describe, expect, it } from "vitest";
import { DEFAULT_FALLBACK_ON, DEFAULT_RETRY_ON, ERROR_CLASSES } from "../../schemas/plan/constants.js";
import { retryDelayMs } from "./backoff.js";
import { BreakerTable, CLOSED, HALF_OPEN, OPEN } from "./circuit-breaker.js";
import { classMask, DEFAULT_FALLBACK_MASK } from "./error-mask.js";
import { FirstTokenWatch } from "../canonical/first-token.js";
import { KeyRing } from "./key-ring.js";

describe("error classes", () => {
  it("fit in the bits of a mask, and the default masks are the plan's defaults", () => {
    expect(ERROR_CLASSES.length).toBeLessThanOrEqual(31);
    expect(DEFAULT_FALLBACK_MASK).toBe(classMask(DEFAULT_FALLBACK_ON));
    expect(classMask(DEFAULT_RETRY_ON) & classMask(["auth", "bad_request"])).toBe(0);
  });
});

describe("backoff", () => {
  const s = { backoffBaseMs: 100, backoffMaxMs: 1000, maxRetryAfterMs: 5000 };
  it("draws up to an exponentially growing, capped ceiling (full jitter)", () => {
    expect(retryDelayMs(s, 1, null, 0.999)).toBe(99);
    expect(retryDelayMs(s, 3, null, 0.5)).toBe(200);
    expect(retryDelayMs(s, 10, null, 0.999)).toBe(999);
    expect(retryDelayMs(s, 2, null, 0)).toBe(0);
  });
  it("honours retry-after within the ceiling, and gives up waiting beyond it", () => {
    expect(retryDelayMs(s, 1, 3000, 0.1)).toBe(3000);
    expect(retryDelayMs(s, 1, 7000, 0.1)).toBe(-1);
  });
});

describe("circuit breaker", () => {
  const settings = { consecutiveFailures: 3, errorRate: null, cooldownMs: 1000, maxCooldownMs: 4000 };

  it("opens after N failures in a row, admits one trial after the cool-down, and closes on its success", () => {
    const t = new BreakerTable([settings]);
    t.failure(0, 0);
    t.success(0, 1); // resets the run
    expect(t.failure(0, 2)).toBe(false);
    expect(t.failure(0, 3)).toBe(false);
    expect(t.failure(0, 4)).toBe(true);
    expect(t.state[0]).toBe(OPEN);
    expect(t.admits(0, 500)).toBe(false);
    expect(t.admits(0, 1004)).toBe(true);
    t.attemptStarted(0, 1004);
    expect(t.state[0]).toBe(HALF_OPEN);
    expect(t.admits(0, 1005)).toBe(false); // one trial at a time
    t.success(0, 1100);
    expect(t.state[0]).toBe(CLOSED);
    expect(t.ejections[0]).toBe(1);
  });

  it("doubles the cool-down on each repeated ejection, up to the ceiling", () => {
    const t = new BreakerTable([settings]);
    for (let i = 0; i < 3; i++) t.failure(0, 0);
    expect(t.remainingMs(0, 0)).toBe(1000);
    t.attemptStarted(0, 1000);
    t.failure(0, 1000); // the trial failed
    expect(t.remainingMs(0, 1000)).toBe(2000);
    t.attemptStarted(0, 3000);
    t.failure(0, 3000);
    expect(t.remainingMs(0, 3000)).toBe(4000);
    t.attemptStarted(0, 7000);
    t.failure(0, 7000);
    expect(t.remainingMs(0, 7000)).toBe(4000);
  });

  it("opens on an error rate over the window once enough attempts were seen", () => {
    const t = new BreakerTable([{ consecutiveFailures: 100, errorRate: { threshold: 0.5, windowMs: 1000, minRequests: 10 }, cooldownMs: 1000, maxCooldownMs: 1000 }]);
    for (let i = 0; i < 5; i++) {
      t.success(0, i * 10);
      expect(t.failure(0, i * 10 + 5)).toBe(i === 4);
    }
    expect(t.state[0]).toBe(OPEN);
  });

  it("forgets failures older than the window", () => {
    const t = new BreakerTable([{ consecutiveFailures: 100, errorRate: { threshold: 0.5, windowMs: 1000, minRequests: 4 }, cooldownMs: 1000, maxCooldownMs: 1000 }]);
    for (let i = 0; i < 3; i++) t.failure(0, i);
    t.success(0, 5000);
    t.success(0, 5001);
    expect(t.failure(0, 5002)).toBe(false);
  });

  it("ignores slots without health settings, and can live in a shared buffer", () => {
    const t = new BreakerTable([null, settings], new SharedArrayBuffer(1024));
    for (let i = 0; i < 10; i++) t.failure(0, i);
    expect(t.admits(0, 10)).toBe(true);
    for (let i = 0; i < 3; i++) t.failure(1, i);
    expect(t.admits(1, 10)).toBe(false);
  });
});

describe("key ring", () => {
  it("spreads picks by weight, smoothly", () => {
    const ring = new KeyRing([3, 1]);
    const picks = Array.from({ length: 8 }, () => ring.pick({ first: 0, count: 2 }, 0, 0));
    expect(picks.filter((k) => k === 0)).toHaveLength(6);
    expect(picks.slice(0, 4)).toContain(1);
  });

  it("takes a 401/403 key out for a growing cool-down, and rests a 429 key for its retry-after", () => {
    const ring = new KeyRing([1, 1]);
    const range = { first: 0, count: 2 };
    expect(ring.authFailed(0, 0, 1000, 5000)).toBe(1000);
    for (let i = 0; i < 4; i++) expect(ring.pick(range, 0, 10)).toBe(1);
    expect(ring.authFailed(0, 1000, 1000, 5000)).toBe(2000);
    ring.rateLimitedFor(1, 1000, 500);
    expect(ring.hasUsable(range, 0, 1200)).toBe(false);
    expect(ring.allOut(range, 1200)).toBe(true);
    expect(ring.pick(range, 0, 1200)).toBe(1); // the one back soonest
    expect(ring.hasUsable(range, 0, 1600)).toBe(true);
  });

  it("never picks a key the request already tried", () => {
    const ring = new KeyRing([1, 1, 1]);
    expect(ring.pick({ first: 0, count: 3 }, 0b011, 0)).toBe(2);
    expect(ring.pick({ first: 0, count: 3 }, 0b111, 0)).toBe(-1);
  });
});

describe("first token", () => {
  const chunk = (delta: string): Buffer => Buffer.from(`data: {"choices":[{"index":0,"delta":${delta},"finish_reason":null}]}\n\n`);
  it("does not count role-only chunks and comments, counts content, tool calls and the end", () => {
    const w = new FirstTokenWatch();
    expect(w.push(Buffer.from(": keep-alive\n\n"))).toBe(false);
    expect(w.push(chunk(`{"role":"assistant","content":""}`))).toBe(false);
    expect(w.push(chunk(`{"content":"Hi"}`))).toBe(true);
    expect(new FirstTokenWatch().push(chunk(`{"tool_calls":[{"index":0}]}`))).toBe(true);
    expect(new FirstTokenWatch().push(Buffer.from("data: [DONE]\n\n"))).toBe(true);
  });
  it("finds a marker split across chunks", () => {
    const w = new FirstTokenWatch();
    expect(w.push(Buffer.from(`data: {"choices":[{"delta":{"cont`))).toBe(false);
    expect(w.push(Buffer.from(`ent":"x"}}]}\n\n`))).toBe(true);
  });
});
