/**
 * Glob routes indexed by their literal prefix (the text before the first wildcard), so
 * matching one name against hundreds of globs tests only the few that could match:
 * a name is looked up under each of its own prefixes, and matched without backtracking.
 */
import { Glob } from "../../schemas/plan/glob-match.js";

/** The part of a route the index looks at. */
export interface GlobLike {
  readonly pattern: string;
  readonly glob: boolean;
}

/** The glob routes of a route list, looked up by the names (or patterns) they may match. */
export class GlobIndex {
  readonly #byPrefix = new Map<string, { readonly index: number; readonly glob: Glob }[]>();
  #longestPrefix = 0;

  /** Indexes the glob routes of `routes` (exact routes are skipped). */
  constructor(routes: readonly GlobLike[]) {
    routes.forEach((route, index) => {
      if (!route.glob) return;
      const prefix = literalPrefix(route.pattern);
      const entry = { index, glob: new Glob(route.pattern) };
      const list = this.#byPrefix.get(prefix);
      if (list === undefined) this.#byPrefix.set(prefix, [entry]);
      else list.push(entry);
      this.#longestPrefix = Math.max(this.#longestPrefix, prefix.length);
    });
  }

  /** Indices of the glob routes that match `name`, ascending. */
  matching(name: string): number[] {
    return this.#withPrefixOf(name, (g) => g.glob.matches(name));
  }

  /**
   * Indices of the glob routes that may cover the glob `pattern` (every name it matches),
   * ascending: those whose literal prefix is a prefix of `pattern`'s, since a wildcard of
   * `pattern` can only be absorbed by a wildcard. Callers still check with `globCovers`.
   */
  mayCover(pattern: string): number[] {
    return this.#withPrefixOf(literalPrefix(pattern), () => true);
  }

  #withPrefixOf(text: string, accept: (g: { readonly glob: Glob }) => boolean): number[] {
    const out: number[] = [];
    const longest = Math.min(text.length, this.#longestPrefix);
    for (let length = 0; length <= longest; length++) {
      for (const g of this.#byPrefix.get(text.slice(0, length)) ?? []) if (accept(g)) out.push(g.index);
    }
    return out.sort((a, b) => a - b);
  }
}

/** "gpt-4o-*" → "gpt-4o-"; "*" → "". */
function literalPrefix(pattern: string): string {
  const wildcard = pattern.search(/[*?]/);
  return wildcard === -1 ? pattern : pattern.slice(0, wildcard);
}
