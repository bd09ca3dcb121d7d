/**
 * The intermediate representations that flow between passes, in pipeline order:
 *
 *   Source[] → SourceDocument[] → ShapedDocument[] → MergedPolicy → ResolvedPolicy
 *            → NormalizedPolicy → LoweredPlan → RoutedPlan → PlanBody → FinalPlan
 *
 * Everything before `LoweredPlan` remembers where it came from (`Origin`), so any
 * pass can point a diagnostic at the exact YAML node. Types only; no logic.
 */
export type * from "./ir/source.js";
export type * from "./ir/policy.js";
export type * from "./ir/normalized.js";
export type * from "./ir/stages.js";
