/**
 * The one token-estimate rule, shared by the runtime (route `promptTokens`, guardrail
 * `maxPromptTokens`, quota reservations, conversation memory) and the compiler's
 * offline mirror (`tollgate explain`, `simulate`, policy tests), so a prompt measures
 * the same everywhere. Zod-free and import-free: the runtime loads it by value.
 *
 * Why a rule and not a tokenizer: BPE (js-tiktoken) is quadratic on long unsplit runs
 * (1 MB of one letter takes minutes), so it never runs on the event loop; the exact
 * count runs off-thread where a quota asks for it (runtime/canonical/exact-count.ts).
 *
 * The rule follows how cl100k/o200k split text before BPE (their pre-tokenizer
 * pattern), then prices each piece from averages measured against exact cl100k counts
 * (a least-squares fit over test/support/token-corpus.ts, rounded up):
 * - a word (a run of letters) with the one space, or the one unspaced mark, before it
 *   is one piece: 1 token up to 6 letters and 0.35 per letter beyond; a lower→upper
 *   case change inside it (camelCase, random text) starts a new piece; letters of
 *   other alphabets add to it: accented Latin 1.25, Cyrillic 0.25, Greek, Arabic and
 *   the like 0.67, Hebrew 1 per letter;
 * - digits go in groups of three, and a space before a number is a token of its own;
 * - a run of punctuation marks (with one space before it and the newlines after it) is
 *   a piece: about a token, plus 0.15 per mark beyond the first; an emoji 3;
 * - a run of newlines is one token, as is extra indentation before a piece;
 * - Han, kana and hangul about 1.08 tokens a character, Indic scripts 1.25 (their
 *   vowel signs included), Thai and its neighbours 1.
 *
 * One pass over UTF-16 code units, a table lookup and a few integer operations each,
 * no allocation; texts above 64 Ki characters are estimated from evenly spaced
 * samples, so the cost is bounded whatever the size. `cap` stops the count early:
 * callers that only compare against a threshold get some value above `cap` as soon
 * as the estimate exceeds it, and the exact estimate otherwise, so every caller
 * agrees below its cap. Accuracy against exact counts is measured by
 * test/quotas/estimate-tokens.test.ts.
 */

/** Tokens OpenAI's chat format adds per message. */
export const PER_MESSAGE_TOKENS = 4;
/** Tokens of the reply's priming, added once per chat prompt. */
export const REPLY_PRIMING_TOKENS = 3;
/** A non-text content part (image, audio, file) whose size cannot be known cheaply. */
export const PER_MEDIA_PART_TOKENS = 85;

// Costs are in sixtieths of a token, so every rate below is an integer.
const UNIT = 60;

/*
 * Character classes, one per UTF-16 code unit (the table is built once, on first use).
 * Plain constants rather than an enum, so the hot loop compares small integers. The
 * letters, K_LOWER to K_MARK, are contiguous: the loop tests a range.
 */
/** Punctuation, symbols, everything unknown (the table's default). */
const K_PUNCT = 0;
const K_SPACE = 1;
const K_NEWLINE = 2;
const K_DIGIT = 3;
const K_LOWER = 4;
const K_UPPER = 5;
/** Accented Latin: a letter of the word, plus a surcharge. */
const K_LATIN_EXT = 6;
const K_CYRILLIC = 7;
/** Greek, Armenian, Arabic, Syriac, Thaana, Georgian: pricier letters. */
const K_ALPHABET = 8;
/** Hebrew letters: pricier still (short, unvocalized words split into byte-level tokens). */
const K_HEBREW = 9;
/** A combining mark of an alphabetic script: part of the word, priced like a letter. */
const K_MARK = 10;
/** Han, kana, hangul: about a token per character. */
const K_WIDE = 11;
/** Indic scripts (their vowel signs included): more than a token per character. */
const K_INDIC = 12;
/** Thai, Lao, Tibetan, Myanmar, Khmer: about a token per character. */
const K_SOUTH_EAST_ASIAN = 13;
const K_HIGH_SURROGATE = 14;
const K_LOW_SURROGATE = 15;

let classes: Uint8Array | null = null;

function classTable(): Uint8Array {
  if (classes !== null) return classes;
  const t = new Uint8Array(65536); // K_PUNCT by default: symbols, punctuation, everything unknown
  const range = (from: number, to: number, c: number): void => {
    t.fill(c, from, to + 1);
  };
  range(0x61, 0x7a, K_LOWER);
  range(0x41, 0x5a, K_UPPER);
  range(0x30, 0x39, K_DIGIT);
  t[0x20] = K_SPACE;
  t[0x09] = K_SPACE;
  t[0xa0] = K_SPACE;
  t[0x0a] = K_NEWLINE;
  t[0x0d] = K_NEWLINE;
  range(0xc0, 0x24f, K_LATIN_EXT);
  t[0xd7] = K_PUNCT; // ×
  t[0xf7] = K_PUNCT; // ÷
  range(0x1e00, 0x1eff, K_LATIN_EXT); // Latin Extended Additional (Vietnamese)
  range(0x300, 0x36f, K_MARK);
  range(0x370, 0x3ff, K_ALPHABET); // Greek
  range(0x400, 0x52f, K_CYRILLIC);
  range(0x530, 0x8ff, K_ALPHABET); // Armenian, Arabic, Syriac, Thaana, …
  range(0x590, 0x5ff, K_HEBREW);
  range(0x900, 0xdff, K_INDIC);
  range(0xe00, 0x109f, K_SOUTH_EAST_ASIAN); // Thai, Lao, Tibetan, Myanmar
  range(0x10a0, 0x10ff, K_ALPHABET); // Georgian
  range(0x1100, 0x11ff, K_WIDE); // Hangul jamo
  range(0x1780, 0x17ff, K_SOUTH_EAST_ASIAN); // Khmer
  range(0x1f00, 0x1fff, K_ALPHABET); // Greek extended
  range(0x2e80, 0xa4cf, K_WIDE); // CJK radicals, punctuation, kana, Han, Yi
  range(0xa960, 0xa97f, K_WIDE);
  range(0xac00, 0xd7ff, K_WIDE); // Hangul syllables
  range(0xd800, 0xdbff, K_HIGH_SURROGATE);
  range(0xdc00, 0xdfff, K_LOW_SURROGATE);
  range(0xf900, 0xfaff, K_WIDE); // CJK compatibility
  range(0xff01, 0xffef, K_WIDE); // full-width forms
  classes = t;
  return t;
}

/** Above this many characters a text is estimated from evenly spaced samples. */
const SAMPLE_ABOVE = 65_536;
const SAMPLES = 8;
const SAMPLE_CHARS = 4_096;

/** Estimated tokens of one text; some value above `cap` as soon as the estimate exceeds it. */
export function estimateTextTokens(text: string, cap = Number.POSITIVE_INFINITY): number {
  if (text.length <= SAMPLE_ABOVE) return Math.ceil(estimateRun(text, 0, text.length, cap * UNIT + UNIT) / UNIT);
  // Homogeneous inputs (the pathological ones: one letter, CJK, base64) scale exactly; prose within a few percent.
  const stride = Math.floor((text.length - SAMPLE_CHARS) / (SAMPLES - 1));
  let sampled = 0;
  for (let k = 0; k < SAMPLES; k++) sampled += estimateRun(text, k * stride, k * stride + SAMPLE_CHARS, Number.POSITIVE_INFINITY);
  return Math.ceil((sampled * text.length) / (SAMPLES * SAMPLE_CHARS * UNIT));
}

// Rates, in sixtieths of a token.
const WORD = 60;
const LONG_WORD_FREE = 6;
const PER_LONG_LETTER = 21;
const LATIN_EXT = 75;
const CYRILLIC = 15;
const ALPHABET = 40;
const WIDE = 65;
const HEBREW = 60;
const INDIC = 75;
const SOUTH_EAST_ASIAN = 60;
const EMOJI = 180;
const PUNCT_RUN = 55;
const PUNCT_EXTRA = 9;
const DIGIT_GROUP = 60;
const SPACE_TOKEN = 60;
const NEWLINE_RUN = 60;

function punctCost(marks: number, extra: number): number {
  return PUNCT_RUN + (marks - 1) * PUNCT_EXTRA + extra;
}

function digitCost(digits: number): number {
  return Math.ceil(digits / 3) * DIGIT_GROUP;
}

function wordCost(letters: number, extra: number): number {
  return WORD + (letters > LONG_WORD_FREE ? (letters - LONG_WORD_FREE) * PER_LONG_LETTER : 0) + extra;
}

/**
 * The cost of `text[from, to)` in sixtieths of a token; stops once above `capUnits`.
 * One loop with its state in local variables (this is the hot path of every estimate):
 * the piece being read (a word's letters, a number's digits, a punctuation run) is
 * priced when the next piece starts, together with the spaces before that piece.
 */
function estimateRun(text: string, from: number, to: number, capUnits: number): number {
  const table = classTable();
  let units = 0;
  let letters = 0; // letters of the current word
  let extra = 0; // their surcharge (other alphabets, accents)
  let upper = false; // the last letter was a capital
  let digits = 0;
  let punct = 0; // marks of the current punctuation run
  let punctExtra = 0; // emoji surcharge of the run
  let spacedPunct = false; // a space went into the run (" (x"): it does not join the word after it
  let spaces = 0; // spaces since the last piece
  let inNewlines = false; // inside a run of newlines (one token for the lot)
  for (let i = from; i < to; i++) {
    const c = table[text.charCodeAt(i)]!;
    if (c >= K_LOWER && c <= K_MARK) {
      if (letters === 0) {
        // A word starts. A single unspaced mark before it joins it (".foo", "(bar"); more are their own piece.
        if (punct > 0) {
          if (punct > 1 || punctExtra > 0 || spacedPunct) units += punctCost(punct, punctExtra);
          punct = punctExtra = 0;
        }
        if (digits > 0) units += digitCost(digits);
        // One space joins the word; more are an indentation token.
        if (spaces > 1) units += SPACE_TOKEN;
        digits = spaces = 0;
        spacedPunct = inNewlines = false;
        upper = c === K_UPPER;
      } else if (c === K_UPPER && !upper) {
        // camelCase and random text: a lower→upper change starts a new word piece.
        units += wordCost(letters, extra);
        letters = extra = 0;
        upper = true;
      } else if (c === K_LOWER && upper) {
        // "HTTPServer": the last capital starts the next word.
        if (letters > 1) {
          units += wordCost(letters - 1, extra);
          letters = 1;
          extra = 0;
        }
        upper = false;
      }
      letters++;
      if (c > K_UPPER) extra += c === K_LATIN_EXT ? LATIN_EXT : c === K_CYRILLIC ? CYRILLIC : c === K_HEBREW ? HEBREW : ALPHABET;
      else if (c === K_LOWER) {
        // The common case: the lower-case letters that follow, counted in a tight loop.
        let j = i + 1;
        while (j < to && table[text.charCodeAt(j)] === K_LOWER) j++;
        letters += j - i - 1;
        i = j - 1;
      }
      continue;
    }
    if (letters > 0) {
      units += wordCost(letters, extra);
      letters = extra = 0;
    }
    switch (c) {
      case K_DIGIT:
        if (digits === 0) {
          if (punct > 0) units += punctCost(punct, punctExtra);
          // A space before a number is a token of its own; more are an indentation token.
          if (spaces > 0) units += spaces > 1 ? 2 * SPACE_TOKEN : SPACE_TOKEN;
          punct = punctExtra = spaces = 0;
          spacedPunct = inNewlines = false;
        }
        digits++;
        break;
      case K_SPACE:
        if (punct > 0) units += punctCost(punct, punctExtra);
        if (digits > 0) units += digitCost(digits);
        punct = punctExtra = digits = 0;
        if (spaces === 0 && i + 1 < to && table[text.charCodeAt(i + 1)] === K_LOWER) {
          // The commonest piece of prose, " word": read it whole here.
          let j = i + 2;
          while (j < to && table[text.charCodeAt(j)] === K_LOWER) j++;
          letters = j - i - 1;
          upper = spacedPunct = inNewlines = false;
          i = j - 1;
          continue;
        }
        spaces++;
        break;
      case K_NEWLINE:
        if (punct > 0) {
          // Punctuation takes the newlines after it.
          units += punctCost(punct, punctExtra);
          punct = punctExtra = 0;
          inNewlines = true;
        }
        if (digits > 0) units += digitCost(digits);
        if (!inNewlines) units += NEWLINE_RUN;
        digits = spaces = 0;
        inNewlines = true;
        break;
      case K_WIDE:
      case K_INDIC:
      case K_SOUTH_EAST_ASIAN: {
        // A word piece of its own script, priced per character.
        if (punct > 0) {
          if (punct > 1 || punctExtra > 0 || spacedPunct) units += punctCost(punct, punctExtra);
          punct = punctExtra = 0;
        }
        if (digits > 0) units += digitCost(digits);
        if (spaces > 1) units += SPACE_TOKEN;
        digits = spaces = 0;
        spacedPunct = inNewlines = false;
        let j = i + 1;
        while (j < to && table[text.charCodeAt(j)] === c) j++;
        units += (j - i) * (c === K_WIDE ? WIDE : c === K_INDIC ? INDIC : SOUTH_EAST_ASIAN);
        i = j - 1;
        break;
      }
      case K_LOW_SURROGATE:
        break;
      default:
        // Punctuation, symbols, and emoji and other astral symbols (several byte-level tokens each).
        if (punct === 0) {
          if (digits > 0) units += digitCost(digits);
          if (spaces > 1) units += SPACE_TOKEN;
          spacedPunct = spaces > 0;
          digits = spaces = 0;
          inNewlines = false;
        }
        punct++;
        if (c === K_HIGH_SURROGATE) punctExtra += EMOJI - PUNCT_EXTRA;
    }
    if (units > capUnits) return units;
  }
  if (letters > 0) units += wordCost(letters, extra);
  if (punct > 0) units += punctCost(punct, punctExtra);
  if (digits > 0) units += digitCost(digits);
  return units + (spaces > 0 ? SPACE_TOKEN : 0);
}
