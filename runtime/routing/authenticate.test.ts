import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { LinkedConsumer, LinkedPlan } from "../plan/linked-plan.js";
import { authenticate, bearerToken, checkKey } from "./authenticate.js";

describe("authenticate", () => {
  const consumer: LinkedConsumer = { name: "c", allowed: [true] };
  const plan = { consumersByKeyHash: new Map([[createHash("sha256").update("sk-good").digest("hex"), consumer]]) } as unknown as LinkedPlan;

  it("finds the consumer by the key's digest", () => {
    expect(authenticate(plan, "Bearer sk-good")).toBe(consumer);
    expect(authenticate(plan, "bearer sk-good")).toBe(consumer);
  });
  it("refuses wrong, empty, missing and non-bearer credentials", () => {
    expect(authenticate(plan, "Bearer sk-bad")).toBeNull();
    expect(authenticate(plan, "Bearer ")).toBeNull();
    expect(authenticate(plan, undefined)).toBeNull();
    expect(authenticate(plan, "Basic c2stZ29vZA==")).toBeNull();
    expect(bearerToken("Bearer " + "x".repeat(10_000))).toBeNull();
  });
});

describe("remembered keys", () => {
  const consumer: LinkedConsumer = { name: "c", allowed: [true] };
  const digest = createHash("sha256").update("sk-soon").digest("hex");
  const planWith = (expires: number | undefined): LinkedPlan =>
    ({
      consumersByKeyHash: new Map([[digest, consumer]]),
      keyExpiry: new Map(expires === undefined ? [] : [[digest, expires]]),
    }) as unknown as LinkedPlan;

  it("answers a known key the same way the second time, and still checks its expiry", () => {
    const plan = planWith(Date.UTC(2030, 0, 1));
    const first = checkKey(plan, "Bearer sk-soon", Date.UTC(2029, 0, 1));
    expect(first).toEqual({ consumer, digest });
    expect(checkKey(plan, "Bearer sk-soon", Date.UTC(2029, 6, 1))).toEqual(first);
    // Remembered, and now past its expiry: refused as expired, not served from memory.
    expect(checkKey(plan, "Bearer sk-soon", Date.UTC(2030, 0, 2))).toEqual({ expiredAt: "2030-01-01T00:00:00.000Z" });
  });

  it("forgets with the plan: a key removed by a new plan is refused at once", () => {
    const plan = planWith(undefined);
    expect(authenticate(plan, "Bearer sk-soon")).toBe(consumer);
    const next = { consumersByKeyHash: new Map(), keyExpiry: new Map() } as unknown as LinkedPlan;
    expect(authenticate(next, "Bearer sk-soon")).toBeNull();
    expect(authenticate(plan, "Bearer sk-soon")).toBe(consumer);
  });

  it("never remembers a wrong key: it is refused every time", () => {
    const plan = planWith(undefined);
    for (let i = 0; i < 3; i++) expect(checkKey(plan, "Bearer sk-wrong")).toBeNull();
  });
});
