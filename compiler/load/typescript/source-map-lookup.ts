/**
 * Generated → original positions through a source map (v3, one source), so that an
 * exception thrown by transpiled policy code is reported at the TypeScript line that
 * threw. Only the decoding this needs: base64 VLQ `mappings`, no names, no sections.
 */

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((ch, i) => [ch, i]));

/** One mapping segment: generated column → original line and column (all 0-based). */
interface Segment {
  readonly column: number;
  readonly sourceLine: number;
  readonly sourceColumn: number;
}

/** Decodes the `mappings` field into segments per generated line. */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  let source = 0;
  for (const lineText of mappings.split(";")) {
    const segments: Segment[] = [];
    let column = 0;
    for (const segmentText of lineText.split(",")) {
      if (segmentText === "") continue;
      const fields = decodeVlq(segmentText);
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        source += fields[1] ?? 0;
        sourceLine += fields[2] ?? 0;
        sourceColumn += fields[3] ?? 0;
        segments.push({ column, sourceLine, sourceColumn });
      }
    }
    lines.push(segments);
  }
  void source; // one source per map: the index is decoded only to stay in step
  return lines;
}

/** The base64 VLQ numbers of one segment. */
function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = DIGIT.get(ch);
    if (digit === undefined) return out;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

/**
 * The original position of a generated one (0-based): the last segment at or before
 * the column on that line, else the first on the line; undefined for an unmapped line.
 */
export function originalPosition(lines: readonly Segment[][], line: number, column: number): { line: number; column: number } | undefined {
  const segments = lines[line];
  if (segments === undefined || segments.length === 0) return undefined;
  let best = segments[0];
  for (const segment of segments) if (segment.column <= column) best = segment;
  return best === undefined ? undefined : { line: best.sourceLine, column: best.sourceColumn };
}
