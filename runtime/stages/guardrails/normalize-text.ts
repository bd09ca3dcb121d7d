/**
 * The forms of a text the injection check matches besides the text itself, so that
 * obfuscation does not hide an attack: the text normalized (Unicode NFKC, so fullwidth
 * and compatibility forms become plain letters; zero-width, invisible and bidi control
 * characters removed; Cyrillic and Greek look-alikes folded to the Latin letters they
 * imitate), the base64 spans of the text decoded, and the text under ROT13. These views
 * are for matching only: they are never sent anywhere or shown.
 *
 * Plain ASCII text without a base64-looking run or a ROT13-looking word costs three
 * regex scans and no allocation.
 */

/** Zero-width, invisible formatting, bidi controls and tag characters. */
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]|\uDB40[\uDC00-\uDC7F]/g;

/** Look-alike letters (Cyrillic, Greek, Latin variants) and the ASCII letter each imitates. */
const HOMOGLYPHS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    а: "a",
    в: "b",
    е: "e",
    ё: "e",
    к: "k",
    м: "m",
    н: "h",
    о: "o",
    р: "p",
    с: "c",
    т: "t",
    у: "y",
    х: "x",
    ѕ: "s",
    і: "i",
    ї: "i",
    ј: "j",
    ԁ: "d",
    ԛ: "q",
    ԝ: "w",
    ӏ: "l",
    һ: "h",
    ɡ: "g",
    ı: "i",
    ℓ: "l",
    А: "A",
    В: "B",
    Е: "E",
    К: "K",
    М: "M",
    Н: "H",
    О: "O",
    Р: "P",
    С: "C",
    Т: "T",
    Х: "X",
    У: "Y",
    Ѕ: "S",
    І: "I",
    Ј: "J",
    α: "a",
    ο: "o",
    ρ: "p",
    ε: "e",
    ι: "i",
    κ: "k",
    ν: "v",
    τ: "t",
    υ: "u",
    χ: "x",
    ϲ: "c",
    Α: "A",
    Β: "B",
    Ε: "E",
    Ζ: "Z",
    Η: "H",
    Ι: "I",
    Κ: "K",
    Μ: "M",
    Ν: "N",
    Ο: "O",
    Ρ: "P",
    Τ: "T",
    Υ: "Y",
    Χ: "X",
  }),
);
const HOMOGLYPH_CHARS = new RegExp(`[${[...HOMOGLYPHS.keys()].join("")}]`, "g");
const NON_ASCII = /[^\x00-\x7F]/;

/** `text` normalized for matching: NFKC, invisible and bidi characters removed, look-alikes folded. */
export function normalizeForMatching(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return text
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .replace(HOMOGLYPH_CHARS, (c) => HOMOGLYPHS.get(c) ?? c);
}

/** Runs that may be base64 (at least 16 characters of the alphabet, optional padding). */
const BASE64_RUN = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{16,}={0,2}/g;
/** At most this many spans are decoded per text, each at most MAX_SPAN characters. */
const MAX_SPANS = 8;
const MAX_SPAN = 8192;

/** The decoded text of base64 spans that decode to readable UTF-8 text. */
export function decodedBase64Spans(text: string): string[] {
  const out: string[] = [];
  if (!hasBase64Run(text)) return out;
  BASE64_RUN.lastIndex = 0;
  for (let m = BASE64_RUN.exec(text); m !== null && out.length < MAX_SPANS; m = BASE64_RUN.exec(text)) {
    const run = m[0].slice(0, MAX_SPAN);
    // Identifiers and words are long alphanumeric runs too: base64 of text mixes cases and digits.
    if (!/[A-Z]/.test(run) || !/[a-z]/.test(run) || !/[0-9+/=]/.test(run)) continue;
    const bytes = Buffer.from(run, "base64");
    const decoded = bytes.toString("utf8");
    if (readable(decoded)) out.push(decoded);
  }
  return out;
}

/** The base64 alphabet (without padding), by ASCII code. */
const BASE64_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") BASE64_CHAR[c.charCodeAt(0)] = 1;
const MIN_RUN = 16;

const isBase64Char = (c: number): boolean => c < 128 && BASE64_CHAR[c] === 1;

/**
 * Whether `text` has MIN_RUN alphabet characters in a row, looking at about one character
 * in MIN_RUN of prose: a window's last character outside the alphabet rules out every
 * run through it. V8's regex tries each position in turn (~10 ns a character here), so
 * BASE64_RUN runs only on the texts this lets through.
 */
export function hasBase64Run(text: string): boolean {
  let end = MIN_RUN - 1;
  while (end < text.length) {
    if (!isBase64Char(text.charCodeAt(end))) {
      end += MIN_RUN;
      continue;
    }
    let start = end;
    while (start > end - MIN_RUN + 1 && isBase64Char(text.charCodeAt(start - 1))) start--;
    let last = end;
    while (last - start + 1 < MIN_RUN && last + 1 < text.length && isBase64Char(text.charCodeAt(last + 1))) last++;
    if (last - start + 1 >= MIN_RUN) return true;
    // The run through `end` is [start, last] and too short; the next run starts after last + 1.
    end = last + 1 + MIN_RUN;
  }
  return false;
}

/** Mostly printable, no replacement characters, with some letters and spaces: text, not binary. */
function readable(s: string): boolean {
  if (s.length < 8 || s.includes("\uFFFD")) return false;
  let printable = 0;
  let spaces = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) spaces++;
    if (c >= 32 || c === 10 || c === 9) printable++;
  }
  return printable / s.length > 0.95 && spaces > 0;
}

/** ROT13 of the ASCII letters of `text`. */
export function rot13(text: string): string {
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    codes[i] = c >= 65 && c <= 90 ? ((c - 52) % 26) + 65 : c >= 97 && c <= 122 ? ((c - 84) % 26) + 97 : c;
  }
  let out = "";
  for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode(...codes.subarray(i, i + 8192));
  return out;
}

/** Common English words as ROT13 writes them (`the`, `and`, `you`, `ignore`, `instructions`…): a text holding one may be ROT13. */
const ROT13_HINT = /\b(?:gur|naq|lbh|lbhe|vtaber|vafgehpgvbaf|cebzcg|flfgrz|cevag|cerivbhf|nyy|jvgu|guvf)\b/i;

/** Every view of `text` the injection check matches besides the text itself (may be empty). */
export function injectionViews(text: string): string[] {
  const views: string[] = [];
  const normalized = normalizeForMatching(text);
  if (normalized !== text) views.push(normalized);
  views.push(...decodedBase64Spans(normalized));
  if (ROT13_HINT.test(normalized)) views.push(rot13(normalized));
  return views;
}
