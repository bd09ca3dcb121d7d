/**
 * The plan's content classifiers, linked: one Aho–Corasick automaton for the
 * case-insensitive keywords (folding case as it scans) and one for the case-sensitive
 * ones, and one compiled expression per classifier. `classify` runs
 * once per request, on the last user message cut to the plan's `maxChars`, and only
 * when a route being tried needs a classifier.
 */
import type { PlanClassifiers } from "../../../schemas/plan/plan.js";
import { PlanError } from "../../../schemas/plan/plan-error.js";
import { LinearRegex } from "../../../schemas/plan/linear-regex.js";
import { AhoCorasick } from "../../canonical/aho-corasick.js";
import type { ChatMessage } from "../../canonical/chat-request.js";
import { lastUserText } from "../../canonical/message-text.js";

export class LinkedClassifiers {
  readonly names: readonly string[];
  readonly #folded: AhoCorasick | null;
  readonly #exact: AhoCorasick | null;
  /** The classifier of each keyword of the two automata, by pattern index. */
  readonly #foldedOf: readonly number[];
  readonly #exactOf: readonly number[];
  readonly #patterns: readonly (LinearRegex | null)[];
  readonly #maxChars: number;

  constructor(table: PlanClassifiers) {
    this.names = table.names;
    const folded = table.keywords.filter((k) => !k.caseSensitive);
    const exact = table.keywords.filter((k) => k.caseSensitive);
    this.#folded = folded.length === 0 ? null : new AhoCorasick(folded, { foldCase: true });
    this.#exact = exact.length === 0 ? null : new AhoCorasick(exact, { foldCase: false });
    this.#foldedOf = folded.map((k) => k.classifier);
    this.#exactOf = exact.map((k) => k.classifier);
    this.#patterns = table.patterns.map((source, i) => {
      if (source === null) return null;
      try {
        // The linear-time engine: the message text cannot make it slow.
        return LinearRegex.of(source);
      } catch (err) {
        throw new PlanError(`classifier ${table.names[i] ?? i}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    this.#maxChars = table.maxChars;
  }

  /** hits[c]: classifier c matches the request's last user message. */
  classify(messages: readonly ChatMessage[]): boolean[] {
    const hits: boolean[] = new Array<boolean>(this.names.length).fill(false);
    const text = lastUserText(messages, this.#maxChars);
    if (text.length === 0) return hits;
    const foldedOf = this.#foldedOf;
    const exactOf = this.#exactOf;
    this.#folded?.scan(text, (k) => {
      hits[foldedOf[k]!] = true;
    });
    this.#exact?.scan(text, (k) => {
      hits[exactOf[k]!] = true;
    });
    for (let c = 0; c < this.#patterns.length; c++) {
      if (!hits[c] && this.#patterns[c]?.test(text) === true) hits[c] = true;
    }
    return hits;
  }
}
