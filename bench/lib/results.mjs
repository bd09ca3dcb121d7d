// @ts-check
/** Measurements as they come in, and their medians across runs. */

/** @typedef {import("./options.mjs").TargetName} TargetName */
/** @typedef {import("./load.mjs").LoadResult & { cpuUs: number, rssKb: number, foreignCores: number }} Cell */
/** @typedef {import("./slow-streams.mjs").SlowStreamsResult} SlowCell */
/** @typedef {{ id: string, label: string, connections: number, stream: boolean }} Scenario */

/** The four load scenarios, in the order each target runs them. */
export const SCENARIOS = /** @type {readonly Scenario[]} */ ([
  { id: "ns50", label: "non-stream @50", connections: 50, stream: false },
  { id: "s50", label: "stream @50", connections: 50, stream: true },
  { id: "ns1", label: "non-stream @1", connections: 1, stream: false },
  { id: "s1", label: "stream @1", connections: 1, stream: true },
]);

/** @param {number[]} xs */
export function median(xs) {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  const hi = /** @type {number} */ (s[mid]);
  const lo = /** @type {number} */ (s[mid - 1]);
  return s.length % 2 === 1 ? hi : (lo + hi) / 2;
}

export class Results {
  /** @type {Map<string, Cell[]>} */ #cells = new Map();
  #noisyCores;

  /** @param {number} noisyCores foreign load (cores) above which a run is noisy */
  constructor(noisyCores) {
    this.#noisyCores = noisyCores;
  }
  /** @type {Map<string, string>} reason a target (key: target) or a cell (key: target/scenario) has no figures */
  #failures = new Map();
  /** @type {Map<TargetName, SlowCell[]>} */ #slow = new Map();

  /** @param {TargetName} target @param {Scenario} scenario @param {Cell} cell */
  add(target, scenario, cell) {
    const key = `${target}/${scenario.id}`;
    this.#cells.set(key, [...(this.#cells.get(key) ?? []), cell]);
  }

  /** @param {TargetName} target @param {SlowCell} cell */
  addSlow(target, cell) {
    this.#slow.set(target, [...(this.#slow.get(target) ?? []), cell]);
  }

  /** Marks a target (or one of its cells) as unmeasured. @param {TargetName} target @param {string} reason @param {Scenario} [scenario] */
  fail(target, reason, scenario) {
    const key = scenario ? `${target}/${scenario.id}` : target;
    if (!this.#failures.has(key)) this.#failures.set(key, reason);
  }

  /** @param {TargetName} target @param {Scenario} [scenario] */
  failure(target, scenario) {
    return this.#failures.get(target) ?? (scenario ? this.#failures.get(`${target}/${scenario.id}`) : undefined);
  }

  /**
   * Median of each figure over the quiet runs (all runs when none was quiet, then `noisy` is
   * set), or undefined when nothing was measured. A noisy run is re-run, not quoted.
   * @param {TargetName} target @param {Scenario} scenario
   */
  cell(target, scenario) {
    const all = this.#cells.get(`${target}/${scenario.id}`) ?? [];
    if (all.length === 0) return undefined;
    const quiet = all.filter((c) => c.foreignCores <= this.#noisyCores);
    const cells = quiet.length > 0 ? quiet : all;
    const m = (/** @type {(c: Cell) => number} */ f) => median(cells.map(f));
    return {
      rps: m((c) => c.rps),
      p50Us: m((c) => c.p50Us),
      p99Us: m((c) => c.p99Us),
      cpuUs: m((c) => c.cpuUs),
      rssKb: m((c) => c.rssKb),
      errors: cells.reduce((n, c) => n + c.errors, 0),
      runs: cells.length,
      noisy: quiet.length === 0,
    };
  }

  /** @param {TargetName} target */
  slow(target) {
    const cells = this.#slow.get(target) ?? [];
    if (cells.length === 0) return undefined;
    const perStream = cells.map((c) => (c.held > 0 ? (c.heldKb - c.idleKb) / c.held : NaN));
    return {
      idleKb: median(cells.map((c) => c.idleKb)),
      heldKb: median(cells.map((c) => c.heldKb)),
      held: Math.min(...cells.map((c) => c.held)),
      failed: Math.max(...cells.map((c) => c.failed)),
      firstError: cells.find((c) => c.firstError)?.firstError ?? "",
      kbPerStream: median(perStream),
    };
  }

  /** Every foreign-load reading, for the header. */
  foreignLoads() {
    return [...this.#cells.values()].flat().map((c) => c.foreignCores);
  }

  /** How many cells have no quiet run at all. */
  noisyCells() {
    return [...this.#cells.values()].filter((cells) => cells.every((c) => c.foreignCores > this.#noisyCores)).length;
  }
}
