/**
 * One suite, run against both counter stores (the in-process shared table and a real
 * redis-server): fixed windows and their rollover, buckets with burst and refill,
 * all-or-nothing admission over several counters, settling (refunds, extra usage,
 * a window that ended meanwhile), with time passed in explicitly (no sleeping).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CounterSpec, CounterStore } from "../../runtime/state/counters/counter-spec.js";
import { StoreUnavailable } from "../../runtime/state/counters/counter-spec.js";
import { LocalCounterStore } from "../../runtime/state/counters/local-store.js";
import { RedisCounterStore } from "../../runtime/state/counters/redis-store.js";
import { windowEnd, windowStart } from "../../runtime/base/windows.js";
import { createSharedState } from "../../runtime/state/shared-state.js";
import { SharedRedis } from "../../runtime/state/shared-redis.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { startRedis, type TestRedis } from "../support/redis-server.js";

// In the future: Redis expires keys by its own clock, so windows of the injected clock must not have ended in real time.
const T0 = Date.UTC(2030, 10, 26, 10, 0, 0);
let seq = 0;

function fixed(key: string, capacity: number, amount: number, now: number, per: "minute" | "day" | "month" = "minute"): CounterSpec {
  const window = windowStart(per, now);
  return { key, bucket: false, capacity, window, windowEnd: windowEnd(per, window), ratePerMs: 0, amount };
}

function bucket(key: string, capacity: number, perMinute: number, amount: number): CounterSpec {
  return { key, bucket: true, capacity, window: 0, windowEnd: 60_000, ratePerMs: perMinute / 60_000, amount };
}

let redis: TestRedis;
let connection: SharedRedis;

beforeAll(async () => {
  setQuietLogs(true);
  redis = await startRedis();
  connection = new SharedRedis({ url: redis.url, prefix: "t", timeoutMs: 500, pool: 2, label: "test" });
  await connection.connect();
});

afterAll(async () => {
  await connection?.close();
  await redis?.stop();
});

const stores: [string, () => CounterStore][] = [
  ["local", () => new LocalCounterStore(createSharedState({ quotaCounters: 256, ledgerRows: 8 }).quotas)],
  ["redis", () => new RedisCounterStore(connection)],
];

describe.each(stores)("counter store conformance (%s)", (_name, make) => {
  const key = (k: string) => `${k}-${++seq}`;

  it("admits up to a fixed window's limit, refuses past it with the time to the window's end, and starts again in the next window", async () => {
    const store = make();
    const k = key("fixed");
    const now = T0 + 15_000;
    const a = await store.admit(now, [fixed(k, 100, 60, now)]);
    expect(a.refused).toBe(-1);
    expect(a.remaining[0]).toBe(40);
    expect(a.resetMs[0]).toBe(45_000);
    const b = await store.admit(now, [fixed(k, 100, 41, now)]);
    expect(b.refused).toBe(0);
    expect(b.remaining[0]).toBe(40);
    expect(b.retryMs).toBe(45_000);
    expect((await store.admit(now, [fixed(k, 100, 40, now)])).refused).toBe(-1);
    // The next minute: a fresh window.
    const later = T0 + 60_000;
    const c = await store.admit(later, [fixed(k, 100, 100, later)]);
    expect(c.refused).toBe(-1);
    expect(c.remaining[0]).toBe(0);
  });

  it("admits a zero amount while there is room, and refuses it once the counter is exhausted (fixed and bucket)", async () => {
    const store = make();
    const now = T0;
    const k = key("zero");
    expect((await store.admit(now, [fixed(k, 10, 0, now)])).refused).toBe(-1);
    expect((await store.admit(now, [fixed(k, 10, 10, now)])).refused).toBe(-1);
    const refused = await store.admit(now, [fixed(k, 10, 0, now)]);
    expect(refused.refused).toBe(0);
    expect(refused.retryMs).toBe(60_000);
    const b = key("zero-bucket");
    expect((await store.admit(now, [bucket(b, 5, 60, 5)])).refused).toBe(-1);
    expect((await store.admit(now, [bucket(b, 5, 60, 0)])).refused).toBe(0);
    // A second later one unit has refilled: room again.
    expect((await store.admit(now + 1000, [bucket(b, 5, 60, 0)])).refused).toBe(-1);
  });

  it("admits all counters or none", async () => {
    const store = make();
    const [k1, k2] = [key("all"), key("all")];
    const now = T0;
    const refused = await store.admit(now, [fixed(k1, 100, 10, now), fixed(k2, 5, 10, now)]);
    expect(refused.refused).toBe(1);
    // Nothing was taken from the first counter.
    const ok = await store.admit(now, [fixed(k1, 100, 100, now)]);
    expect(ok.refused).toBe(-1);
  });

  it("is a token bucket with `burst`: at most the burst at once, refilled at the rate", async () => {
    const store = make();
    const k = key("bucket");
    // 60 per minute (1 per second), burst 10.
    const first = await store.admit(T0, [bucket(k, 10, 60, 10)]);
    expect(first.refused).toBe(-1);
    expect(first.remaining[0]).toBe(0);
    const empty = await store.admit(T0, [bucket(k, 10, 60, 1)]);
    expect(empty.refused).toBe(0);
    expect(empty.retryMs).toBeCloseTo(1000, 6);
    const after3s = await store.admit(T0 + 3000, [bucket(k, 10, 60, 3)]);
    expect(after3s.refused).toBe(-1);
    expect(after3s.remaining[0]).toBeCloseTo(0, 6);
    // Never above the burst, however long it rests.
    const rested = await store.admit(T0 + 3_600_000, [bucket(k, 10, 60, 0)]);
    expect(rested.remaining[0]).toBeCloseTo(10, 6);
  });

  it("settles: refunds within the window, extra usage after the window ended goes to the current window, refunds to an ended window are dropped", async () => {
    const store = make();
    const k = key("settle");
    const now = T0 + 1000;
    const spec = fixed(k, 100, 50, now);
    await store.admit(now, [spec]);
    await store.settle(now, [{ ...spec, amount: -30 }]);
    expect((await store.admit(now, [fixed(k, 100, 0, now)])).remaining[0]).toBe(80);
    // Settled in the next minute: +25 extra goes to the new window; -10 to the old one is dropped.
    const next = T0 + 61_000;
    const nowWindow = windowStart("minute", next);
    await store.settle(next, [{ ...spec, amount: 25, nowWindow, nowWindowEnd: nowWindow + 60_000 }]);
    await store.settle(next, [{ ...spec, amount: -10, nowWindow, nowWindowEnd: nowWindow + 60_000 }]);
    expect((await store.admit(next, [fixed(k, 100, 0, next)])).remaining[0]).toBe(75);
  });

  it("keeps a calendar month as one window and starts again on the 1st (UTC)", async () => {
    const store = make();
    const k = key("month");
    const jan31 = Date.UTC(2028, 0, 31, 23, 59, 59);
    const feb1 = Date.UTC(2028, 1, 1, 0, 0, 0);
    const spec = fixed(k, 50, 49.5, jan31, "month");
    expect(spec.windowEnd).toBe(feb1);
    expect((await store.admit(jan31, [spec])).refused).toBe(-1);
    expect((await store.admit(jan31, [fixed(k, 50, 1, jan31, "month")])).refused).toBe(0);
    expect((await store.admit(feb1, [fixed(k, 50, 50, feb1, "month")])).refused).toBe(-1);
    // February 2028 has 29 days.
    expect(windowEnd("month", feb1)).toBe(Date.UTC(2028, 2, 1));
  });

  it("reports what is left for the admin side", async () => {
    const store = make();
    const k = key("read");
    await store.admit(T0, [fixed(k, 100, 12.5, T0)]);
    const rows = await store.read(T0, k);
    expect(rows).toEqual([{ key: k, window: windowStart("minute", T0), value: 12.5 }]);
  });
});

describe("redis store across a Redis restart", () => {
  it("throws StoreUnavailable while Redis is down (callers fail open or closed), and works again once it is back", async () => {
    const store = new RedisCounterStore(connection);
    const k = `restart-${++seq}`;
    expect((await store.admit(T0, [fixed(k, 10, 1, T0)])).refused).toBe(-1);
    await redis.stop();
    await expect(store.admit(T0, [fixed(k, 10, 1, T0)])).rejects.toBeInstanceOf(StoreUnavailable);
    await redis.restart();
    const deadline = Date.now() + 10_000;
    while (!connection.up && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(connection.up).toBe(true);
    // The scripts are loaded again (NOSCRIPT after a restart) and counting resumes.
    expect((await store.admit(T0, [fixed(k, 10, 1, T0)])).refused).toBe(-1);
  });
});
