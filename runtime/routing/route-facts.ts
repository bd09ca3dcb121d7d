/**
 * What route conditions beyond model name and headers look at, for one request:
 * the path, the consumer, and the request, with the two derived facts (prompt-size
 * estimate, classifier hits) computed at most once, on first use. Created only when
 * the plan has such conditions (`LinkedPlan.routeFacts`), so other plans pay nothing.
 */
import type { LinkedClassifiers } from "./content/linked-classifiers.js";
import type { ChatRequestView } from "../canonical/chat-request.js";
import { estimatePromptTokens } from "../canonical/prompt-tokens.js";

export class RouteFacts {
  readonly path: string;
  /** Index of the calling consumer in the plan. */
  readonly consumer: number;
  readonly request: ChatRequestView;
  readonly #tokenCap: number;
  readonly #classifiers: LinkedClassifiers | null;
  #tokens = -1;
  #hits: boolean[] | null = null;

  constructor(path: string, consumer: number, request: ChatRequestView, tokenCap: number, classifiers: LinkedClassifiers | null) {
    this.path = path;
    this.consumer = consumer;
    this.request = request;
    this.#tokenCap = tokenCap;
    this.#classifiers = classifiers;
  }

  /** Estimated prompt tokens, exact enough up to the largest bound any route uses (beyond it: some larger value). */
  get promptTokens(): number {
    if (this.#tokens < 0) this.#tokens = estimatePromptTokens(this.request, this.#tokenCap);
    return this.#tokens;
  }

  /** The estimate when routing already made it, else -1 (a selector then makes its own, with its own cap). */
  get promptTokensIfKnown(): number {
    return this.#tokens;
  }

  /** Whether classifier `c` matches the last user message. */
  classifierHit(c: number): boolean {
    if (this.#classifiers === null) return false;
    this.#hits ??= this.#classifiers.classify(this.request.messages);
    return this.#hits[c] === true;
  }
}
