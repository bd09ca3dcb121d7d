/**
 * What the stream guard must hold back, declared by each check instead of guessed: a
 * finding can be released only once no check could still complete one that reaches
 * into the released text. Three shapes cover every check:
 *
 * - `run`: every match is a run of certain characters at most `maxSpan` long (an e-mail,
 *   a card number with its spaces, an API key or JWT), so the trailing run of those
 *   characters, up to `maxSpan - 1` of them, is held;
 * - `span`: a match may contain anything but is at most `maxSpan` long (a deny term), so
 *   the last `maxSpan - 1` characters are held;
 * - `block`: a match opens with `open` and ends with a line `close` matches (a PEM
 *   private key), so an open block is held from its opening until its closing line is
 *   complete (at most `maxSpan`), and a trailing partial opening is held too.
 *
 * The hold of a text is the earliest position any rule asks for. Held text is scanned
 * again with what follows, so a finding is always seen whole; held text is released
 * only when the rules allow or the choice ends.
 */

export type HoldRule =
  | { readonly kind: "run"; readonly chars: (c: number) => boolean; readonly maxSpan: number }
  | { readonly kind: "span"; readonly maxSpan: number }
  | { readonly kind: "block"; readonly open: string; readonly close: RegExp; readonly maxSpan: number };

/** A `run` rule over the characters of `cls` (a regex character class, ASCII), at most `maxSpan` long. */
export function runOf(cls: string, maxSpan: number): HoldRule {
  const re = new RegExp(`[${cls}]`);
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) table[c] = re.test(String.fromCharCode(c)) ? 1 : 0;
  return { kind: "run", chars: (c) => c < 128 && table[c] === 1, maxSpan };
}

/** Where the releasable prefix of `text` ends under `rules` (text.length when nothing must be held). */
export function holdFrom(rules: readonly HoldRule[], text: string): number {
  const n = text.length;
  let cut = n;
  for (const rule of rules) {
    if (rule.kind === "span") {
      cut = Math.min(cut, n - (rule.maxSpan - 1));
    } else if (rule.kind === "run") {
      let i = n;
      const floor = Math.max(0, n - (rule.maxSpan - 1));
      while (i > floor && rule.chars(text.charCodeAt(i - 1))) i--;
      cut = Math.min(cut, i);
    } else {
      cut = Math.min(cut, openBlock(rule, text));
    }
  }
  return Math.max(0, cut);
}

/** The start of an unfinished block at the end of `text` (or of a partial opening), else text.length. */
function openBlock(rule: Extract<HoldRule, { kind: "block" }>, text: string): number {
  const n = text.length;
  const begin = text.lastIndexOf(rule.open);
  if (begin !== -1 && n - begin < rule.maxSpan) {
    rule.close.lastIndex = begin + rule.open.length;
    if (!rule.close.test(text)) return begin;
  }
  // A partial opening at the very end (`-----BEG`): the earliest position in the last
  // open.length - 1 characters from which the rest of the text begins `open` (the longest).
  const first = rule.open[0]!;
  for (let p = text.indexOf(first, Math.max(0, n - (rule.open.length - 1))); p !== -1; p = text.indexOf(first, p + 1)) {
    if (rule.open.startsWith(text.slice(p))) return p;
  }
  return n;
}
