/**
 * The order in which a model's own targets are attempted: weighted targets by
 * descending weight (stable, so equal weights keep policy order), then the weight-0
 * standbys. Shared by the plan's weight tables and the fallback analyses, so what the
 * compiler proves is exactly what the runtime does.
 */

/** Targets in attempt order. */
export function targetOrder<T extends { readonly weight: number }>(targets: readonly T[]): T[] {
  // Array.prototype.sort is stable.
  const weighted = targets.filter((t) => t.weight > 0).sort((a, b) => b.weight - a.weight);
  return [...weighted, ...targets.filter((t) => t.weight === 0)];
}
