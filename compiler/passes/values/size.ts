/**
 * Sizes: a whole number of bytes, or `<whole number><unit>` where KiB/MiB/GiB are
 * powers of 1024 and KB/MB/GB powers of 1000 (`B` is bytes).
 */
import { type ValueResult, invalid, ok } from "./result.js";

const UNIT_BYTES = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 } as const;

const FORM = /^(\d+)(KiB|MiB|GiB|KB|MB|GB|B)$/;

/** Bytes for a policy size. */
export function parseSize(input: number | string): ValueResult<number> {
  if (typeof input === "number") {
    if (!Number.isSafeInteger(input) || input <= 0) return invalid(`a number means bytes and must be a whole number above 0, not ${input}`);
    return ok(input);
  }
  const match = FORM.exec(input);
  if (match === null) {
    const shown = input.length > 40 ? input.slice(0, 40) + "…" : input;
    const units = "`B`, `KB`, `MB`, `GB`, `KiB`, `MiB` or `GiB`";
    return invalid(`\`${shown}\` is not a whole number followed by ${units}`, suggestUnit(input));
  }
  const [, amount = "", unit = "B"] = match;
  const bytes = Number(amount) * UNIT_BYTES[unit as keyof typeof UNIT_BYTES];
  if (bytes <= 0) return invalid("it must be larger than 0");
  if (!Number.isSafeInteger(bytes)) return invalid("it is too large");
  return ok(bytes);
}

/** `4mb` → both readings, since the case alone does not tell 10^6 from 2^20. */
function suggestUnit(input: string): string | undefined {
  const match = /^(\d+)\s*([kmg]i?b?|b)$/i.exec(input.trim());
  if (match === null) return undefined;
  const [, amount, unit = ""] = match;
  const prefix = unit.charAt(0).toUpperCase();
  if (prefix === "B") return `did you mean \`${amount}B\`?`;
  return `did you mean \`${amount}${prefix}B\` (powers of 1000) or \`${amount}${prefix}iB\` (powers of 1024)?`;
}
