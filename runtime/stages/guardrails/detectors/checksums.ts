/**
 * The arithmetic behind PII validation: what turns "looks like a card number" into
 * "is a card number". Each function works on a string of digits (or IBAN characters)
 * that the caller has already stripped of separators, and allocates nothing.
 */

/** Luhn (mod 10) over a string of ASCII digits: payment cards, IMEIs. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * ISO 13616 IBAN check: move the first four characters to the end, letters become
 * 10..35, and the number mod 97 must be 1. Computed piecewise, so no big integers.
 */
export function ibanMod97Valid(iban: string): boolean {
  const n = iban.length;
  let rem = 0;
  for (let k = 0; k < n; k++) {
    const c = iban.charCodeAt((k + 4) % n);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

const CN_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CN_ID_CHECK = "10X98765432";

/** GB 11643 / ISO 7064 MOD 11-2 check character of an 18-character mainland China resident ID. */
export function cnIdCheckValid(id: string): boolean {
  if (id.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    sum += d * CN_ID_WEIGHTS[i]!;
  }
  const last = id[17] === "x" ? "X" : id[17];
  return CN_ID_CHECK[sum % 11] === last;
}

/** True when year-month-day is a real calendar date. */
export function realDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

/** Shannon entropy in bits per character; random keys score high, words and repeats low. */
export function entropyBits(text: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
