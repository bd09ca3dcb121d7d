/**
 * A deterministic bag-of-words embedding for the mock's `words` models, so a gateway's
 * semantic cache can be tested on meaning-like similarity without a real model:
 * lower-cased words, stop words dropped, a crude suffix stemmer, each word hashed
 * (FNV-1a) to one of `dims` signed buckets; the vector is normalized to unit length.
 * Paraphrases that reorder words, change filler or inflection score close to 1;
 * questions that change a content word score clearly lower. Model `words` has 256
 * dimensions, `words-<n>` has n (8 to 4096).
 */

const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a an the is are was were be been am do does did of to in on at for by with from about as into and or but if then so " +
    "what which who whom whose how why when where this that these those it its i me my you your we our us they them their " +
    "can could would should will shall may might must please tell explain give show let know like just really me s t"
  ).split(" "),
);

/** Dimensions of model `words` (or `words-<n>`), or null for other model names. */
export function wordModelDimensions(model: string): number | null {
  if (model === "words") return 256;
  const m = /^words-(\d{1,4})$/.exec(model);
  if (m === null) return null;
  const n = Number(m[1]);
  return n >= 8 && n <= 4096 ? n : null;
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y";
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

export function wordEmbedding(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const raw of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (raw.length === 0 || STOP_WORDS.has(raw)) continue;
    const h = fnv1a(stem(raw));
    v[h % dims]! += h & 0x80000000 ? -1 : 1;
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return v.map((x) => Math.fround(x * scale));
}
