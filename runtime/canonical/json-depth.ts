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

/**
 * True when fewer than `maxDepth` brackets open in all of `bytes`: then no nesting
 * can be deeper, and the byte loop below is skipped. Counting with the native
 * `indexOf` costs one call per bracket, and a chat body has a few dozen at most.
 */
function fewOpeners(bytes: Buffer, maxDepth: number): boolean {
  let count = 0;
  for (const opener of [OPEN_BRACE, OPEN_BRACKET]) {
    for (let i = bytes.indexOf(opener); i !== -1; i = bytes.indexOf(opener, i + 1)) {
      if (++count > maxDepth) return false;
    }
  }
  return true;
}

/** True when no array/object nesting in `bytes` goes deeper than `maxDepth`. */
export function jsonDepthWithin(bytes: Buffer, maxDepth: number): boolean {
  if (fewOpeners(bytes, maxDepth)) return true;
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
