/**
 * Content classifiers: named keyword and pattern sets that routes match on
 * (`match: { classifier: complex }`). The compiler merges every keyword of every
 * classifier into one Aho-Corasick automaton and each classifier's patterns into one
 * expression; the runtime scans the last user message once per request, and only
 * when a route it tries needs a classifier.
 */
import { z } from "zod";
import { Name, Regex } from "./common.js";

export const Classifier = z
  .strictObject({
    name: Name.describe("The classifier's name, used by `match.classifier`."),
    keywords: z.array(z.string().min(1).max(256)).max(10_000).optional().describe("Words or phrases; any one found in the prompt matches."),
    patterns: z.array(Regex).max(64).optional().describe("Regular expressions; any one matching the prompt matches (checked for catastrophic backtracking)."),
    caseSensitive: z.boolean().optional().describe("Keywords match case-sensitively. Default false."),
    wholeWords: z
      .boolean()
      .optional()
      .describe(
        "Keywords match only as whole words (text in scripts written without spaces, such as Chinese, Japanese or Thai, has no word edges, so such keywords match inside it). Default true.",
      ),
  })
  .refine((c) => (c.keywords?.length ?? 0) + (c.patterns?.length ?? 0) > 0, "give `keywords`, `patterns` or both")
  .describe("A named set of keywords and patterns a prompt can match.");

export type Classifier = z.infer<typeof Classifier>;
