import { describe, expect, it } from "vitest";
import { formatDuration, formatUsd } from "./format.js";

describe("formatDuration", () => {
  it("uses the largest units that fit", () => {
    expect(formatDuration(250)).toBe("250ms");
    expect(formatDuration(1500)).toBe("1.5s");
    expect(formatDuration(90_000)).toBe("1m 30s");
    expect(formatDuration(600_000)).toBe("10m");
    expect(formatDuration(3_723_000)).toBe("1h 2m 3s");
  });
});

describe("formatUsd", () => {
  it("shows fractions of a cent below a dollar", () => {
    expect(formatUsd(0)).toBe("$0");
    expect(formatUsd(0.00005)).toBe("<$0.0001");
    expect(formatUsd(0.0424)).toBe("$0.0424");
    expect(formatUsd(12.345)).toBe("$12.35");
  });
});
