/**
 * Template text → segments: literal text and `{{name}}` placeholders (spaces inside
 * the braces allowed), with the character offset of each placeholder so diagnostics
 * can point at it. `\{{` writes a literal `{{`. A `{{` that does not open a valid
 * placeholder is reported, never passed through: a typo must not reach the model.
 */

/** A parsed piece of template text. */
export type ParsedSegment = { readonly text: string } | { readonly variable: string; readonly offset: number; readonly length: number };

export interface ParsedTemplate {
  readonly segments: readonly ParsedSegment[];
  /** Offsets of `{{` that open no valid placeholder. */
  readonly malformed: readonly number[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/y;

/** Splits `text` into literal and placeholder segments; adjacent literals are merged. */
export function parseTemplate(text: string): ParsedTemplate {
  const segments: ParsedSegment[] = [];
  const malformed: number[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("\\{{", i)) {
      literal += "{{";
      i += 3;
      continue;
    }
    if (text.startsWith("{{", i)) {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(text);
      if (m !== null) {
        if (literal !== "") segments.push({ text: literal });
        literal = "";
        segments.push({ variable: m[1]!, offset: i, length: m[0].length });
        i += m[0].length;
        continue;
      }
      malformed.push(i);
      literal += "{{";
      i += 2;
      continue;
    }
    literal += text[i];
    i++;
  }
  if (literal !== "") segments.push({ text: literal });
  return { segments, malformed };
}
