/**
 * The `^a|b$` trap: `|` binds looser than `^` and `$`, so the regex means `(^a)|(b$)`
 * and matches "xb" or "ax…". Finds a top-level alternation whose outer anchors do not
 * reach every alternative, and proposes `^(?:a|b)$`. A small scanner (escapes,
 * character classes, groups) is enough: only top-level `|` matter.
 */

/** The top-level alternatives of a regex source. */
export function topLevelAlternatives(source: string): string[] {
  const alternatives: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
    } else if (ch === "[") inClass = true;
    else if (ch === "(") depth++;
    else if (ch === ")") depth = Math.max(0, depth - 1);
    else if (ch === "|" && depth === 0) {
      alternatives.push(source.slice(start, i));
      start = i + 1;
    }
  }
  alternatives.push(source.slice(start));
  return alternatives;
}

/** The fully anchored rewrite when an anchor binds to one alternative only, else null. */
export function anchorAlternationFix(source: string): string | null {
  const alternatives = topLevelAlternatives(source);
  if (alternatives.length < 2) return null;
  const first = alternatives[0] ?? "";
  const last = alternatives[alternatives.length - 1] ?? "";
  const leading = first.startsWith("^") && alternatives.slice(1).some((a) => !a.startsWith("^"));
  const trailing = endsWithAnchor(last) && alternatives.slice(0, -1).some((a) => !endsWithAnchor(a));
  if (!leading && !trailing) return null;
  const inner = alternatives.map((a, i) => {
    let text = a;
    if (leading && i === 0) text = text.slice(1);
    if (trailing && i === alternatives.length - 1) text = text.slice(0, -1);
    return text;
  });
  return `${leading ? "^" : ""}(?:${inner.join("|")})${trailing ? "$" : ""}`;
}

/** True when the text ends with an unescaped `$`. */
function endsWithAnchor(text: string): boolean {
  if (!text.endsWith("$")) return false;
  let backslashes = 0;
  for (let i = text.length - 2; i >= 0 && text[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 0;
}
