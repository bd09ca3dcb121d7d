/** The state one mock server shares across its requests. */
import type { MockBehaviour } from "./behaviour.js";
import type { RecordedRequest } from "./request-log.js";

/** JSON-encoded model names, so echoing the model costs no JSON.stringify per request. */
const MODEL_JSON_CACHE_MAX = 1024;

/** Per-server state, with a fixed shape. */
export class MockContext {
  /** Completion ids count up per server: `chatcmpl-mock-1`, `-2`, … */
  #nextId = 0;
  readonly #modelJson = new Map<string, string>();

  constructor(
    /** The behaviour of requests that script nothing. */
    readonly defaults: Readonly<MockBehaviour>,
    /** When set, `/v1/*` requests need `Authorization: Bearer <this>`. */
    readonly expectedAuthorization: string | undefined,
    /** The request log (see request-log.ts). */
    readonly requests: RecordedRequest[],
  ) {}

  readonly #calls = new Map<string, number>();

  /** Requests seen so far with this exact model string, this one included (for `first=N`). */
  callNumber(model: string): number {
    const n = (this.#calls.get(model) ?? 0) + 1;
    if (this.#calls.size < MODEL_JSON_CACHE_MAX || this.#calls.has(model)) this.#calls.set(model, n);
    return n;
  }

  /** The next completion id. */
  nextId(): string {
    return `chatcmpl-mock-${++this.#nextId}`;
  }

  /** `JSON.stringify(model)`, cached: a benchmark sends the same few names millions of times. */
  modelJson(model: string): string {
    let json = this.#modelJson.get(model);
    if (json === undefined) {
      json = JSON.stringify(model);
      if (this.#modelJson.size < MODEL_JSON_CACHE_MAX) this.#modelJson.set(model, json);
    }
    return json;
  }
}
