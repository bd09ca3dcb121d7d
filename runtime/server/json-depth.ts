/**
 * A byte-level pre-scan that rejects over-deep JSON before `JSON.parse` sees it.
 * `JSON.parse` accepts million-deep nesting, and the first recursive walker after it
 * (stringify, structuredClone, a guardrail) then throws RangeError. The scan is one
 * pass with no allocation: it tracks bracket depth and skips string contents.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** True when no array/object nesting in `bytes` goes deeper than `maxDepth`. */
export function jsonDepthWithin(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return false;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return true;
}
