/**
 * Route conditions beyond model name and headers, linked: path set, allowed-consumer
 * flags, an inclusive prompt-token range and classifier indices, each tested only
 * when the route has it. The compiler resolved consumer, team and tag matchers into
 * the consumer list, so nothing of the policy is interpreted here.
 */
import type { PlanRoute } from "../../schemas/plan/plan.js";
import type { RouteFacts } from "./route-facts.js";

export class LinkedRouteExtras {
  readonly #paths: ReadonlySet<string> | null;
  /** allowed[i]: consumer i may take the route. */
  readonly #consumers: readonly boolean[] | null;
  readonly #minTokens: number;
  readonly #maxTokens: number;
  readonly #tokens: boolean;
  readonly #classifiers: readonly number[] | null;

  constructor(route: PlanRoute, consumerCount: number) {
    this.#paths = route.paths === undefined ? null : new Set(route.paths);
    if (route.consumers === undefined) this.#consumers = null;
    else {
      const allowed = new Array<boolean>(consumerCount).fill(false);
      for (const c of route.consumers) allowed[c] = true;
      this.#consumers = allowed;
    }
    this.#tokens = route.promptTokens !== undefined;
    this.#minTokens = route.promptTokens?.min ?? 0;
    this.#maxTokens = route.promptTokens?.max ?? Number.POSITIVE_INFINITY;
    this.#classifiers = route.classifiers ?? null;
  }

  /** The largest finite token bound this route compares against (0 when none), for the estimate's cap. */
  get tokenBound(): number {
    if (!this.#tokens) return 0;
    return Number.isFinite(this.#maxTokens) ? this.#maxTokens + 1 : this.#minTokens;
  }

  /** True when every condition holds; the cheap ones first. */
  test(facts: RouteFacts): boolean {
    if (this.#paths !== null && !this.#paths.has(facts.path)) return false;
    if (this.#consumers !== null && this.#consumers[facts.consumer] !== true) return false;
    if (this.#tokens) {
      const tokens = facts.promptTokens;
      if (tokens < this.#minTokens || tokens > this.#maxTokens) return false;
    }
    if (this.#classifiers !== null) {
      let any = false;
      for (const c of this.#classifiers) {
        if (facts.classifierHit(c)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    return true;
  }
}
