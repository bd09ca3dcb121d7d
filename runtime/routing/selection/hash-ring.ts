/**
 * A consistent-hash ring over a model's candidates, with virtual nodes in proportion
 * to each candidate's static share (Karger et al., 1997), walked with bounded load
 * (Mirrokni, Thorup & Zadimoghaddam, "Consistent Hashing with Bounded Loads", 2018):
 * a key goes to the first candidate clockwise from its position that may take it.
 * Node positions hash the target's identity (`upstream/model#v`), so they survive
 * plan reloads and agree across replicas.
 */
import { hashKey } from "./hash.js";

/** Virtual nodes of a candidate with an average share; more spread keys more evenly. */
const VIRTUAL_NODES = 100;

export class HashRing {
  readonly #points: Uint32Array;
  readonly #owners: Uint16Array;

  /** `ids[i]`: a stable identity of candidate i; `shares[i]`: its static share (sum 1). */
  constructor(ids: readonly string[], shares: readonly number[]) {
    const nodes: [number, number][] = [];
    const n = ids.length;
    ids.forEach((id, owner) => {
      const count = Math.max(1, Math.round(VIRTUAL_NODES * n * (shares[owner] ?? 0)));
      for (let v = 0; v < count; v++) nodes.push([hashKey(`${id}#${v}`), owner]);
    });
    nodes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.#points = Uint32Array.from(nodes, (p) => p[0]);
    this.#owners = Uint16Array.from(nodes, (p) => p[1]);
  }

  /**
   * The first candidate clockwise from `hash` for which `accept` holds, or -1 when
   * none does. Visits each virtual node at most once.
   */
  walk(hash: number, accept: (candidate: number) => boolean): number {
    const points = this.#points;
    const size = points.length;
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    let last = -1;
    for (let k = 0; k < size; k++) {
      const owner = this.#owners[(lo + k) % size]!;
      if (owner === last) continue;
      last = owner;
      if (accept(owner)) return owner;
    }
    return -1;
  }
}
