/**
 * A model's selection program, linked: filter → score → pick over the model's
 * weighted targets (STYLE §7; the GIE/llm-d scheduler's shape).
 *
 * 1. Filter: availability (health), then bounded load: a candidate with
 *    in-flight + 1 > ceil(loadBound × share × (total in-flight + 1)) is skipped, so a
 *    slow endpoint is not flooded (unless every candidate is over its bound).
 * 2. Score: each scorer gives every remaining candidate a score in [0, 1]; the
 *    plan's weights sum them (see scorers.ts).
 * 3. Pick: `weighted-random` draws proportionally to the sum; `max-score` takes the
 *    best, ties drawn at random. With `exploration` > 0, that share of picks goes to
 *    a uniformly random candidate instead, so latency estimates stay fresh.
 *
 * Everything per request is a few passes over arrays of the model's candidates;
 * nothing of the policy is read here.
 */
import type { PlanSelection } from "../../../schemas/plan/plan.js";
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { estimatePromptTokens } from "../../canonical/prompt-tokens.js";
import { ALWAYS_AVAILABLE, type AvailabilityRef } from "./availability.js";
import { HashRing } from "./hash-ring.js";
import { hashKey } from "./hash.js";
import { prefixChain, type PrefixChain } from "./prefix-blocks.js";
import { PrefixIndex } from "./prefix-index.js";
import { SCORERS, type ScoreContext, type ScorerFn } from "./scorers.js";

/** What a selection may look at. */
export interface SelectionInput {
  /** Request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly request: ChatRequestView;
  /** A prompt-token estimate already made for routing, or -1. */
  readonly promptTokens: number;
}

export class Selector {
  readonly candidates: readonly LinkedTarget[];
  /** Static shares of the candidates (sum 1), from the compiled weights. */
  readonly shares: readonly number[];
  readonly #program: PlanSelection;
  readonly #scorers: readonly { readonly fn: ScorerFn; readonly weight: number }[];
  readonly #availability: AvailabilityRef;
  readonly #ring: HashRing | null;
  #prefixIndex: PrefixIndex | null;
  readonly #session: boolean;
  readonly #usesTokens: boolean;
  readonly #maxWindow: number;
  // Scratch arrays reused by every selection (selection is synchronous).
  readonly #eligible: boolean[];
  readonly #scores: Float64Array;
  readonly #scratch: Float64Array;

  constructor(candidates: readonly LinkedTarget[], cumulativeWeights: readonly number[], program: PlanSelection, availability: AvailabilityRef) {
    this.candidates = candidates;
    const total = cumulativeWeights[cumulativeWeights.length - 1] ?? 1;
    this.shares = cumulativeWeights.map((c, i) => (c - (i === 0 ? 0 : cumulativeWeights[i - 1]!)) / total);
    this.#program = program;
    this.#scorers = program.scorers.map((s) => ({ fn: SCORERS[s.kind], weight: s.weight }));
    this.#availability = availability;
    const kinds = new Set(program.scorers.map((s) => s.kind));
    const affinity = kinds.has("session-affinity") || kinds.has("prefix-affinity");
    this.#ring = affinity
      ? new HashRing(
          candidates.map((c) => `${c.upstream.name}/${c.model}`),
          this.shares,
        )
      : null;
    this.#prefixIndex = kinds.has("prefix-affinity") ? new PrefixIndex() : null;
    this.#session = kinds.has("session-affinity");
    this.#usesTokens = kinds.has("cost");
    this.#maxWindow = Math.max(0, ...candidates.map((c) => c.contextWindow ?? 0));
    this.#eligible = candidates.map(() => true);
    this.#scores = new Float64Array(candidates.length);
    this.#scratch = new Float64Array(candidates.length);
  }

  /**
   * Shares the prefix-affinity index of the selector this one replaces (a plan reload),
   * when both choose among the same candidates in the same order: the index names
   * candidates by position, and the endpoints' KV caches outlive the plan.
   */
  inheritPrefixIndex(previous: Selector, sameCandidates: boolean): void {
    if (this.#prefixIndex !== null && previous.#prefixIndex !== null && sameCandidates) this.#prefixIndex = previous.#prefixIndex;
  }

  /** Completion tokens the cost scorer assumes when a request sets no max_tokens. */
  get outputTokens(): number {
    return this.#program.outputTokens;
  }

  /** Picks the first target of a request. */
  select(input: SelectionInput, random: () => number = Math.random): LinkedTarget {
    const n = this.candidates.length;
    if (n === 1) return this.candidates[0]!;
    const eligible = this.#eligible;
    this.#filter(eligible);
    const p = this.#program;
    if (p.exploration > 0 && random() < p.exploration) return this.candidates[this.#uniform(eligible, random)]!;

    const ctx: ScoreContext = {
      selector: this,
      input,
      stream: input.request.stream,
      promptTokens: this.#usesTokens ? this.#promptTokens(input) : -1,
      preferred: -1,
      chain: null,
      hitCandidate: -1,
      hitBlocks: 0,
      eligible,
      scratch: this.#scratch,
    };
    if (this.#ring !== null) this.#affinity(ctx, eligible);
    const scores = this.#scores;
    scores.fill(0);
    for (const s of this.#scorers) {
      s.fn(ctx, this.#scratch);
      for (let i = 0; i < n; i++) scores[i]! += s.weight * this.#scratch[i]!;
    }
    const picked = p.picker === "weighted-random" ? this.#drawProportional(scores, eligible, random) : this.#best(scores, eligible, random);
    if (this.#prefixIndex !== null && ctx.chain !== null && ctx.chain.hashes.length > 0) {
      this.#prefixIndex.record(ctx.chain.hashes, picked, picked === ctx.hitCandidate ? ctx.hitBlocks : 0);
    }
    return this.candidates[picked]!;
  }

  /** Availability, then bounded load; a stage that would drop everyone is skipped. */
  #filter(eligible: boolean[]): void {
    const n = this.candidates.length;
    const availability = this.#availability.current;
    let any = false;
    for (let i = 0; i < n; i++) {
      eligible[i] = availability === ALWAYS_AVAILABLE || availability.isAvailable(this.candidates[i]!);
      any ||= eligible[i]!;
    }
    if (!any) eligible.fill(true);
    const bound = this.#program.loadBound;
    if (bound <= 0) return;
    let total = 0;
    let shareSum = 0;
    for (let i = 0; i < n; i++) {
      if (!eligible[i]) continue;
      total += this.candidates[i]!.stats?.inflight ?? 0;
      shareSum += this.shares[i]!;
    }
    if (total === 0 || shareSum === 0) return;
    const over = this.#scratch;
    let keep = 0;
    for (let i = 0; i < n; i++) {
      over[i] = 0;
      if (!eligible[i]) continue;
      const capacity = Math.ceil((bound * this.shares[i]! * (total + 1)) / shareSum);
      if ((this.candidates[i]!.stats?.inflight ?? 0) + 1 > capacity) over[i] = 1;
      else keep++;
    }
    if (keep === 0) return;
    for (let i = 0; i < n; i++) if (over[i] === 1) eligible[i] = false;
  }

  /** Session or prefix affinity: the preferred candidate on the ring (or in the prefix index) among the eligible. */
  #affinity(ctx: ScoreContext, eligible: readonly boolean[]): void {
    const p = this.#program;
    let key = -1;
    const session = ctx.input.headers[p.sessionHeader];
    if (this.#session && session !== undefined && session.length > 0) key = hashKey(session);
    if (this.#prefixIndex !== null) {
      const chain: PrefixChain = prefixChain(ctx.input.request.messages, p.blockChars, p.maxBlocks);
      ctx.chain = chain;
      const hit = this.#prefixIndex.longest(chain.hashes);
      ctx.hitCandidate = hit.candidate;
      ctx.hitBlocks = hit.blocks;
      if (key === -1 && hit.candidate >= 0 && eligible[hit.candidate]) {
        ctx.preferred = hit.candidate;
        return;
      }
      if (key === -1) key = chain.key;
    }
    if (key === -1) return;
    ctx.preferred = this.#ring!.walk(key, (c) => eligible[c] === true);
  }

  #promptTokens(input: SelectionInput): number {
    if (input.promptTokens >= 0) return input.promptTokens;
    // Only to compare against context windows: no need to count past the largest one.
    return estimatePromptTokens(input.request, this.#maxWindow);
  }

  #uniform(eligible: readonly boolean[], random: () => number): number {
    let count = 0;
    for (const e of eligible) if (e) count++;
    let k = Math.floor(random() * count);
    for (let i = 0; i < eligible.length; i++) if (eligible[i] && k-- === 0) return i;
    return 0;
  }

  #drawProportional(scores: Float64Array, eligible: readonly boolean[], random: () => number): number {
    let sum = 0;
    for (let i = 0; i < scores.length; i++) if (eligible[i]) sum += scores[i]!;
    if (!(sum > 0)) return this.#uniform(eligible, random);
    let draw = random() * sum;
    let last = 0;
    for (let i = 0; i < scores.length; i++) {
      if (!eligible[i]) continue;
      last = i;
      draw -= scores[i]!;
      if (draw < 0) return i;
    }
    return last;
  }

  /** The best score; ties drawn uniformly (reservoir of one). */
  #best(scores: Float64Array, eligible: readonly boolean[], random: () => number): number {
    let best = -1;
    let ties = 0;
    for (let i = 0; i < scores.length; i++) {
      if (!eligible[i]) continue;
      if (best === -1 || scores[i]! > scores[best]! + 1e-12) {
        best = i;
        ties = 1;
      } else if (Math.abs(scores[i]! - scores[best]!) <= 1e-12 && random() * ++ties < 1) best = i;
    }
    return best === -1 ? 0 : best;
  }
}
