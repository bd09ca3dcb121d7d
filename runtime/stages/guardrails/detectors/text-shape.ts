/**
 * What a few native passes over a text find so the PII scanner can leave out the detectors
 * that cannot match it (each detector's `possible`): the digits, a few marker characters and
 * whether two capitals are ever followed by two digits (an IBAN's start). Ordinary prose
 * has few digits and no `@`, so most texts are scanned by a much smaller regex, or none:
 * the combined regex costs ~20 ns a character, these tests ~1–2.
 */
export interface TextShape {
  readonly digits: number;
  readonly at: boolean;
  readonly plus: boolean;
  readonly colon: boolean;
  readonly dot: boolean;
  /** Somewhere `[A-Z]{2}[0-9]{2}`. */
  readonly ibanStart: boolean;
}

const DIGITS = /[0-9]+/g;
const IBAN_START = /[A-Z]{2}[0-9]{2}/;

/** Regex passes and substring searches (native loops), not a JavaScript loop over the characters: several times faster here. */
export function textShape(text: string): TextShape {
  return {
    digits: text.length - text.replace(DIGITS, "").length,
    at: text.includes("@"),
    plus: text.includes("+"),
    colon: text.includes(":"),
    dot: text.includes("."),
    ibanStart: IBAN_START.test(text),
  };
}
