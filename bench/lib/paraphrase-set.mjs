// @ts-check
/**
 * A synthetic paraphrase set for the semantic cache: for each fact, one question that
 * is stored, paraphrases that should hit it, and near-misses (the same question about
 * a subject never stored, or another question about the same subject) that must not
 * be served any stored answer. Built from templates so it is deterministic and
 * large enough to give rates, not anecdotes. Some paraphrases use synonyms on purpose
 * ("largest"/"biggest"): a word-level embedding misses those, as a weak model would.
 */

const COUNTRIES = ["France", "Germany", "Italy", "Spain", "Portugal", "Japan", "Canada", "Brazil", "Kenya", "Norway", "Egypt", "Chile"];
const SUBSTANCES = ["water", "ethanol", "mercury", "nitrogen", "iron", "gold", "lead", "oxygen"];
const LANGUAGES = ["Python", "JavaScript", "Rust", "Java", "Go", "Ruby"];
const ACTIONS = [
  ["reverse", "list"],
  ["sort", "array"],
  ["read", "file"],
  ["parse", "JSON string"],
];
const BOOKS = ["Hamlet", "Dracula", "Frankenstein", "Ulysses", "Emma", "Beloved"];
/** Subjects never stored: a near-miss about one of them must not be served any stored answer. */
const OTHER_COUNTRIES = ["Peru", "Greece", "India", "Mexico", "Ghana", "Sweden", "Chad", "Cuba", "Laos", "Fiji", "Oman", "Mali"];
const OTHER_SUBSTANCES = ["helium", "acetone", "silver", "copper", "argon", "neon", "zinc", "tin"];
const OTHER_LANGUAGES = ["Kotlin", "Swift", "Haskell", "Perl", "Elixir", "Scala"];
const OTHER_BOOKS = ["Macbeth", "Walden", "Candide", "Lolita", "Rebecca", "Persuasion"];

/**
 * @typedef {{ stored: string, paraphrases: string[], nearMisses: string[] }} Fact
 * @returns {Fact[]}
 */
export function paraphraseSet() {
  /** @type {Fact[]} */
  const facts = [];
  COUNTRIES.forEach((c, i) => {
    const other = OTHER_COUNTRIES[i % OTHER_COUNTRIES.length];
    facts.push({
      stored: `What is the capital of ${c}?`,
      paraphrases: [`Can you tell me what the capital city of ${c} is?`, `${c}: what is its capital?`, `capital of ${c}, please`, `Which city is the seat of government of ${c}?`],
      nearMisses: [`What is the capital of ${other}?`, `What is the population of ${c}?`, `What is the currency of ${c}?`],
    });
  });
  SUBSTANCES.forEach((s, i) => {
    const other = OTHER_SUBSTANCES[i % OTHER_SUBSTANCES.length];
    facts.push({
      stored: `What is the boiling point of ${s} at sea level?`,
      paraphrases: [`At sea level, what's the boiling point of ${s}?`, `boiling point of ${s} at sea level`, `At what temperature does ${s} boil at sea level?`],
      nearMisses: [`What is the boiling point of ${other} at sea level?`, `What is the melting point of ${s} at sea level?`, `What is the density of ${s} at sea level?`],
    });
  });
  LANGUAGES.forEach((lang, i) => {
    ACTIONS.forEach(([verb, thing], j) => {
      const otherLang = OTHER_LANGUAGES[i % OTHER_LANGUAGES.length];
      const otherVerb = ["copy", "print", "hash", "encrypt"][j % 4];
      facts.push({
        stored: `How do I ${verb} a ${thing} in ${lang}?`,
        paraphrases: [`how to ${verb} a ${lang} ${thing}`, `In ${lang}, how can I ${verb} a ${thing}?`, `What's the way to ${verb} ${thing}s in ${lang}?`],
        nearMisses: [`How do I ${verb} a ${thing} in ${otherLang}?`, `How do I ${otherVerb} a ${thing} in ${lang}?`],
      });
    });
  });
  BOOKS.forEach((b, i) => {
    const other = OTHER_BOOKS[i % OTHER_BOOKS.length];
    facts.push({
      stored: `Who wrote ${b}?`,
      paraphrases: [`Who is the author of ${b}?`, `${b} was written by whom?`, `who wrote the book ${b}`],
      nearMisses: [`Who wrote ${other}?`, `When was ${b} written?`],
    });
  });
  return facts;
}
