import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { LinkedConsumer, LinkedPlan } from "../plan/linked-plan.js";
import { authenticate, bearerToken } from "./authenticate.js";

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
