/**
 * The rate-limit headers of a response, OpenAI's convention for the caller's own
 * limits: `x-ratelimit-limit-{requests,tokens}`, `-remaining-…`, `-reset-…` (a Go
 * duration such as `1s`, `6m0s`, `120ms`), and the same with `-usd` for spend. When
 * several quotas of a kind apply, the one with the least room left is reported.
 */
import type { HeaderList } from "../../server/exchange.js";

export type HeaderKind = "requests" | "tokens" | "usd";

export interface HeaderFigures {
  limit: number;
  remaining: number;
  resetMs: number;
}

export function rateLimitHeaders(figures: ReadonlyMap<HeaderKind, HeaderFigures>): [string, string][] {
  const out: [string, string][] = [];
  for (const [kind, f] of figures) {
    out.push(
      [`x-ratelimit-limit-${kind}`, formatAmount(kind, f.limit)],
      [`x-ratelimit-remaining-${kind}`, formatAmount(kind, Math.max(0, f.remaining))],
      [`x-ratelimit-reset-${kind}`, goDuration(f.resetMs)],
    );
  }
  return out;
}

/** Keeps, per kind, the figures with the least remaining. */
export function keepTightest(figures: Map<HeaderKind, HeaderFigures>, kind: HeaderKind, next: HeaderFigures): void {
  const current = figures.get(kind);
  if (current === undefined || next.remaining < current.remaining) figures.set(kind, next);
}

function formatAmount(kind: HeaderKind, value: number): string {
  if (kind === "usd") return (Math.floor(value * 1e6) / 1e6).toString();
  return String(Math.floor(value));
}

/** A duration as Go prints it (`time.Duration.String`, rounded to ms): `0s`, `120ms`, `1.5s`, `6m0s`, `1h2m3s`. */
export function goDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "0s";
  const whole = Math.ceil(ms);
  if (whole < 1000) return `${whole}ms`;
  const h = Math.floor(whole / 3_600_000);
  const m = Math.floor((whole % 3_600_000) / 60_000);
  const s = (whole % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, "")}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

/** Adds headers to whatever response the exchange sends (after the plan tag). */
export function withHeaders(base: HeaderList, extra: readonly (readonly [string, string])[]): HeaderList {
  return extra.length === 0 ? base : [...base, ...extra];
}
