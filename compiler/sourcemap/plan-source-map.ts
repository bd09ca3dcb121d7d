/**
 * The plan's source map: plan JSON pointer (RFC 6901) → the policy line that produced
 * it, so `tollgate explain` can say which line decided each step. It is written
 * beside the plan (`plan.json` → `plan.sourcemap.json`), never inside it: the plan
 * and its hash stay independent of file names and line numbers. The map names the
 * hash of the plan it belongs to, and a map of another plan is ignored.
 */

/** A place in a policy file (1-based). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** The source map file. */
export interface PlanSourceMap {
  readonly sourceMapVersion: 1;
  /** The `hash` of the plan this map describes. */
  readonly plan: string;
  readonly mappings: Readonly<Record<string, SourceLocation>>;
}

/** `plan.json` → `plan.sourcemap.json`; any other name gets `.sourcemap.json` appended. */
export function sourceMapFileFor(planFile: string): string {
  return planFile.endsWith(".json") ? planFile.slice(0, -".json".length) + ".sourcemap.json" : planFile + ".sourcemap.json";
}

/** The JSON pointer of a path in the plan: `pointer("models", 0, "fallbacks", 1)` → `/models/0/fallbacks/1`. */
export function pointer(...segments: readonly (string | number)[]): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/** "gateway.yaml:12:7". */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`;
}

/** The file text: pointers sorted, one mapping per line, trailing newline (stable and diffable). */
export function renderSourceMap(map: PlanSourceMap): string {
  const rows = Object.keys(map.mappings)
    .sort()
    .flatMap((key) => {
      const at = map.mappings[key];
      return at === undefined ? [] : [`    ${JSON.stringify(key)}: ${JSON.stringify({ file: at.file, line: at.line, col: at.col })}`];
    });
  const head = `{\n  "sourceMapVersion": 1,\n  "plan": ${JSON.stringify(map.plan)},\n  "mappings": {`;
  return rows.length === 0 ? `${head}}\n}\n` : `${head}\n${rows.join(",\n")}\n  }\n}\n`;
}

/** Parses a source map file for the plan with `planHash`; a string says why it cannot be used. */
export function parseSourceMap(text: string, planHash: string): PlanSourceMap | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not valid JSON";
  }
  if (!isRecord(value) || value.sourceMapVersion !== 1 || !isRecord(value.mappings)) return "not a tollgate source map";
  if (value.plan !== planHash) return "it belongs to another plan (recompile to refresh it)";
  const mappings: Record<string, SourceLocation> = {};
  for (const [key, at] of Object.entries(value.mappings)) {
    if (isRecord(at) && typeof at.file === "string" && typeof at.line === "number" && typeof at.col === "number") {
      mappings[key] = { file: at.file, line: at.line, col: at.col };
    }
  }
  return { sourceMapVersion: 1, plan: planHash, mappings };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
