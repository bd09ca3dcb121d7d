/** Content classifiers with their defaults (case-insensitive, whole words); repeated keywords reported. */
import type { Classifier } from "../../../schemas/policy/classifier.js";
import { type CompileContext, child } from "../../context.js";
import type { Located, NormalizedClassifier } from "../../ir.js";

/** Normalizes every classifier, in policy order. */
export function normalizeClassifiers(classifiers: readonly Located<Classifier>[], ctx: CompileContext): NormalizedClassifier[] {
  return classifiers.map(({ value: c, at }) => {
    const caseSensitive = c.caseSensitive ?? false;
    const seen = new Set<string>();
    const keywords: string[] = [];
    (c.keywords ?? []).forEach((k, i) => {
      const key = caseSensitive ? k : k.toLowerCase();
      if (seen.has(key)) ctx.report("classifier-keyword-duplicate", { keyword: k, classifier: c.name }, child(at, "keywords", i));
      else keywords.push(key);
      seen.add(key);
    });
    return {
      name: c.name,
      at,
      keywords,
      patterns: (c.patterns ?? []).map((p, i) => ({ value: p, at: child(at, "patterns", i) })),
      caseSensitive,
      wholeWords: c.wholeWords ?? true,
    };
  });
}
