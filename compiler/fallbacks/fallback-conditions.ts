/**
 * Fallback conditions (`on:` lists of error classes) as sets, where null stands for the
 * default set (DEFAULT_FALLBACK_ON). Used when model fallbacks are flattened: a model
 * reached through `{ model: big, on: [context_too_long] }` is tried only after that
 * class, even where its own entries say more (intersection); a target listed twice is
 * tried once, after any class either entry names (union).
 */
import { DEFAULT_FALLBACK_ON, ERROR_CLASSES, type ErrorClass } from "../../schemas/plan/constants.js";

type On = readonly ErrorClass[] | null;

/** In the canonical order of ERROR_CLASSES, so plans stay deterministic. */
function ordered(set: ReadonlySet<ErrorClass>): ErrorClass[] {
  return ERROR_CLASSES.filter((c) => set.has(c));
}

/** Classes in both; null when both are the default. */
export function intersectOn(a: On, b: On): On {
  if (a === null) return b;
  if (b === null) return a;
  const other = new Set(b);
  return ordered(new Set(a.filter((c) => other.has(c))));
}

/** Classes in either; null when both are the default. */
export function unionOn(a: On, b: On): On {
  if (a === null && b === null) return null;
  return ordered(new Set([...(a ?? DEFAULT_FALLBACK_ON), ...(b ?? DEFAULT_FALLBACK_ON)]));
}

/** True when the classes are exactly the default set. */
export function isDefaultOn(on: On): boolean {
  if (on === null) return true;
  return on.length === DEFAULT_FALLBACK_ON.length && DEFAULT_FALLBACK_ON.every((c) => on.includes(c));
}

/**
 * The plan's `fallbackOn` for a compiled attempt order: the conditions of each entry
 * (a target's own place in the order keeps the default set), or null when every entry
 * uses the default set, so plans of policies without `on:` do not change.
 */
export function fallbackConditions(order: readonly number[], draft: { readonly fallbacks: readonly number[]; readonly fallbackOn?: readonly On[] }): ErrorClass[][] | null {
  const written = draft.fallbackOn;
  if (written === undefined || written.every(isDefaultOn)) return null;
  const byTarget = new Map<number, On>();
  draft.fallbacks.forEach((target, i) => {
    if (!byTarget.has(target)) byTarget.set(target, written[i] ?? null);
  });
  return order.map((target) => [...(byTarget.get(target) ?? DEFAULT_FALLBACK_ON)]);
}
