/**
 * Durations: a whole number of milliseconds, or `<number><unit>` with unit ms, s, m
 * or h (`500ms`, `1.5s`, `5m`). Converted exactly (no floating point: `1.1s` is
 * 1100 ms, not 1100.0000000000002), and bounded by what a Node timer can wait.
 */
import { type ValueResult, invalid, ok } from "./result.js";

/** setTimeout's ceiling: larger delays silently fire after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

const UNIT_MS = { ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n } as const;

/** Common spellings of the units, for "did you mean". */
const UNIT_ALIASES: Readonly<Record<string, keyof typeof UNIT_MS>> = {
  msec: "ms",
  msecs: "ms",
  millis: "ms",
  milliseconds: "ms",
  millisecond: "ms",
  sec: "s",
  secs: "s",
  second: "s",
  seconds: "s",
  min: "m",
  mins: "m",
  minute: "m",
  minutes: "m",
  hr: "h",
  hrs: "h",
  hour: "h",
  hours: "h",
};

const FORM = /^(\d+)(?:\.(\d+))?(ms|s|m|h)$/;

/** Milliseconds for a policy duration. */
export function parseDuration(input: number | string): ValueResult<number> {
  if (typeof input === "number") {
    if (!Number.isInteger(input) || input <= 0) return invalid(`a number means milliseconds and must be a whole number above 0, not ${input}`);
    return bounded(BigInt(input));
  }
  const match = FORM.exec(input);
  if (match === null) {
    return invalid(`\`${shown(input)}\` is not a number followed by \`ms\`, \`s\`, \`m\` or \`h\``, suggestUnit(input));
  }
  const [, whole = "", fraction = "", unit = "ms"] = match;
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(whole + fraction) * UNIT_MS[unit as keyof typeof UNIT_MS];
  if (scaled % scale !== 0n) return invalid(`\`${input}\` is not a whole number of milliseconds`);
  return bounded(scaled / scale);
}

function bounded(ms: bigint): ValueResult<number> {
  if (ms <= 0n) return invalid("it must be longer than 0");
  if (ms > BigInt(MAX_TIMER_MS)) return invalid(`it is longer than the longest timer, ${MAX_TIMER_MS} ms (about 24.8 days)`);
  return ok(Number(ms));
}

function suggestUnit(input: string): string | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(input.trim());
  if (match === null) return undefined;
  const [, amount, unit = ""] = match;
  const lower = unit.toLowerCase();
  const fixed = lower in UNIT_MS ? lower : UNIT_ALIASES[lower];
  return fixed === undefined ? undefined : `did you mean \`${amount}${fixed}\`?`;
}

function shown(input: string): string {
  return input.length > 40 ? input.slice(0, 40) + "…" : input;
}
