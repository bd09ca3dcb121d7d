/**
 * How keywords and deny terms meet text, shared by the runtime's automaton
 * (runtime/canonical/aho-corasick.ts) and the compiler's offline mirror
 * (compiler/decision/route-extras.ts), so both match the same way. Import-free: the
 * runtime loads it by value.
 *
 * - Case folding is one-to-one per UTF-16 code unit (a unit's lower case of its upper
 *   case, when both are single units: `ς`, `σ` and `Σ` fold together, `İ` stays), so a
 *   match's offsets in the folded text are its offsets in the original.
 * - A whole-word match must not continue a word at either end: where the term begins
 *   (ends) with a word character, the text character before (after) it must not be
 *   one. Word characters are letters, digits, combining marks and `_` of scripts that
 *   put spaces between words. Han, kana, Thai, Lao, Khmer, Myanmar and Tibetan do not
 *   (a Chinese sentence is one unbroken run), so their characters never make a
 *   boundary fail: `证明` matches inside `请证明这个定理`, and `AI` inside `用AI写`.
 *   Hangul is spaced (Korean separates words with spaces) and keeps boundaries.
 */

const WORD = /[\p{L}\p{N}\p{M}_]/u;
const UNSPACED = /[\p{scx=Han}\p{scx=Hira}\p{scx=Kana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmr}\p{scx=Mymr}\p{scx=Tibt}]/u;

/** True when code point `cp` is a word character of a script that separates words with spaces. */
export function isSpacedWordChar(cp: number): boolean {
  const ch = String.fromCodePoint(cp);
  return WORD.test(ch) && !UNSPACED.test(ch);
}

/**
 * The case-folded form of UTF-16 code unit `unit` (itself when it has no one-to-one
 * fold): Unicode's simple case folding, which lower(upper(unit)) gives for every unit
 * but the dotless ı (only Turkic folding joins it to i: `sık` is not `sik`).
 */
export function foldUnit(unit: number): number {
  if ((unit >= 0xd800 && unit <= 0xdfff) || unit === 0x131) return unit;
  const ch = String.fromCharCode(unit);
  const upper = ch.toUpperCase();
  const lower = (upper.length === 1 ? upper : ch).toLowerCase();
  return lower.length === 1 ? lower.charCodeAt(0) : unit;
}

/** `text` with every code unit folded ({@link foldUnit}); the same length as `text`. */
export function foldText(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) out += String.fromCharCode(foldUnit(text.charCodeAt(i)));
  return out;
}

/** The code point that ends just before `at` in `text` (a surrogate pair read whole), or -1 at the start. */
export function codePointBefore(text: string, at: number): number {
  if (at <= 0) return -1;
  const low = text.charCodeAt(at - 1);
  if (low >= 0xdc00 && low <= 0xdfff && at >= 2) {
    const high = text.charCodeAt(at - 2);
    if (high >= 0xd800 && high <= 0xdbff) return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return low;
}

/** The code point that starts at `at` in `text`, or -1 at the end. */
export function codePointAt(text: string, at: number): number {
  return at < text.length ? text.codePointAt(at)! : -1;
}

/** Whether `term`, found at `text[start, end)`, stands there as a whole word (see above). */
export function isWholeWordAt(term: string, text: string, start: number, end: number): boolean {
  if (isSpacedWordChar(term.codePointAt(0)!) && isWordBefore(text, start)) return false;
  if (isSpacedWordChar(codePointBefore(term, term.length)) && isWordAfter(text, end)) return false;
  return true;
}

function isWordBefore(text: string, at: number): boolean {
  const cp = codePointBefore(text, at);
  return cp >= 0 && isSpacedWordChar(cp);
}

function isWordAfter(text: string, at: number): boolean {
  const cp = codePointAt(text, at);
  return cp >= 0 && isSpacedWordChar(cp);
}
