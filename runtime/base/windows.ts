/**
 * Window arithmetic, UTC: fixed windows start on the epoch's boundaries of their
 * length (so a `day` starts at 00:00 UTC), and a `month` is the calendar month.
 * Time comes from a `Clock` so tests move it instead of sleeping.
 */
import type { PlanQuota } from "../../schemas/plan/quota.js";

export type QuotaWindow = PlanQuota["per"];

/** Milliseconds since the epoch. Tests inject their own. */
export type Clock = () => number;

export const systemClock: Clock = Date.now;

const LENGTH_MS: Readonly<Record<Exclude<QuotaWindow, "month">, number>> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The nominal length of a window (a month: its actual length is taken from the calendar). */
export function windowLengthMs(per: QuotaWindow, now: number): number {
  if (per !== "month") return LENGTH_MS[per];
  const start = windowStart(per, now);
  return windowEnd(per, start) - start;
}

/**
 * The calendar month last asked about: admission and settlement ask for the current
 * month's bounds on every request, and building Dates each time showed in profiles.
 */
let month = { start: 0, end: 0 };

function monthOf(now: number): { start: number; end: number } {
  if (now >= month.start && now < month.end) return month;
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  // Only the bounds of a valid date are kept (an invalid `now` gives NaN, which never satisfies the test above).
  if (Number.isFinite(start)) month = { start, end };
  return { start, end };
}

/** Start (ms) of the window that contains `now`. */
export function windowStart(per: QuotaWindow, now: number): number {
  if (per === "month") return monthOf(now).start;
  const length = LENGTH_MS[per];
  return Math.floor(now / length) * length;
}

/** End (ms, exclusive) of the window that starts at `start`. */
export function windowEnd(per: QuotaWindow, start: number): number {
  if (per === "month") return monthOf(start).end;
  return start + LENGTH_MS[per];
}
