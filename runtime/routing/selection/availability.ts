/**
 * The filter stage of selection: whether a target may take new requests right now.
 * Health state (circuit breakers, ejected keys) implements `TargetAvailability` and is
 * plugged in by setting `LinkedPlan.availability.current`; until then every target is
 * available and the weighted fast path stays one random draw.
 */
import type { LinkedTarget } from "../../plan/linked-plan.js";

/** Implemented by health state. Must be cheap: it runs for every candidate of every selection. */
export interface TargetAvailability {
  isAvailable(target: LinkedTarget): boolean;
}

/** The default: every target is available. */
export const ALWAYS_AVAILABLE: TargetAvailability = Object.freeze({ isAvailable: () => true });

/** A mutable slot shared by a plan's selectors, so the filter can be swapped without relinking. */
export class AvailabilityRef {
  current: TargetAvailability = ALWAYS_AVAILABLE;
}
