/** Window bounds, with the month's bounds remembered between calls (windows.ts): alternating months must not reuse the wrong one. */
import { describe, expect, it } from "vitest";
import { windowEnd, windowLengthMs, windowStart } from "./windows.js";

describe("quota windows", () => {
  it("gives a calendar month's bounds, whichever month was asked before", () => {
    const dec = Date.UTC(2026, 11, 7, 14, 0);
    const jan = Date.UTC(2027, 0, 1, 0, 0, 0, 1);
    const feb = Date.UTC(2028, 1, 29, 23, 59, 59, 999);
    for (const now of [dec, jan, dec, feb, jan, Date.UTC(2027, 0, 1)]) {
      const d = new Date(now);
      const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      expect(windowStart("month", now)).toBe(start);
      expect(windowEnd("month", start)).toBe(end);
      expect(windowLengthMs("month", now)).toBe(end - start);
    }
    // The last millisecond of a month and the first of the next.
    expect(windowStart("month", Date.UTC(2027, 0, 1) - 1)).toBe(Date.UTC(2026, 11, 1));
    expect(windowStart("month", Date.UTC(2027, 0, 1))).toBe(Date.UTC(2027, 0, 1));
  });

  it("gives fixed windows on the epoch's boundaries", () => {
    const now = Date.UTC(2026, 11, 7, 14, 30, 15, 500);
    expect(windowStart("minute", now)).toBe(Date.UTC(2026, 11, 7, 14, 30));
    expect(windowEnd("minute", windowStart("minute", now))).toBe(Date.UTC(2026, 11, 7, 14, 31));
    expect(windowStart("day", now)).toBe(Date.UTC(2026, 11, 7));
    expect(Number.isNaN(windowStart("month", Number.NaN))).toBe(true);
  });
});
