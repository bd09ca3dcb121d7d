/**
 * Loading YAML policy files: file → parsed YAML documents with node ranges.
 *
 * Defensive by default, because policies arrive from pull requests: files over
 * 4 MiB are refused, alias expansion is capped (billion-laughs), duplicate keys are
 * errors rather than last-one-wins, and literal secrets are found before any code
 * frame could print them. Empty documents (`---` alone, comments only) are skipped.
 */
import { LineCounter, type YAMLError, parseAllDocuments } from "yaml";
import type { CompileContext } from "../context.js";
import type { Source, YamlDocument } from "../ir.js";
import { scanSecrets } from "./scan-secrets.js";
import { spanOfDocumentStart, spanOfOffsets } from "./source-map.js";
import { checkYamlStructure } from "./yaml-structure.js";

/** Largest policy file accepted, in bytes. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Most alias expansions per document. */
export const MAX_ALIAS_COUNT = 100;

/** Parses one YAML file; returns its non-empty documents that parsed cleanly, in order. */
export function loadYamlFile(source: Source, ctx: CompileContext): YamlDocument[] {
  if (Buffer.byteLength(source.text, "utf8") > MAX_FILE_BYTES) {
    ctx.report("file-too-large", { limit: MAX_FILE_BYTES }, { file: source.path, line: 1, col: 1 });
    return [];
  }
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(source.text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const out: YamlDocument[] = [];
  parsed.forEach((yaml, index) => {
    const shell: YamlDocument = { kind: "yaml", file: source.path, index, yaml, lineCounter, value: undefined };
    for (const warning of yaml.warnings) reportYamlProblem(shell, source.text, warning, "yaml-warning", ctx);
    // The parser often reports one mistake twice at the same place (in different words): once is enough.
    const seen = new Set<number>();
    for (const error of yaml.errors) {
      if (seen.has(error.pos[0])) continue;
      seen.add(error.pos[0]);
      reportYamlProblem(shell, source.text, error, "yaml-syntax", ctx);
    }
    const clean = yaml.errors.length === 0 && checkYamlStructure(shell, ctx);
    const doc: YamlDocument = clean ? { ...shell, value: toPlain(shell, ctx) } : shell;
    scanSecrets(doc, ctx);
    // An empty document (comments only, or a bare `---`) holds null: nothing to merge.
    if (clean && doc.value !== null && doc.value !== undefined) out.push(doc);
  });
  return out;
}

/**
 * Reports a parser problem where the offending text is. The parser often places an
 * indentation problem at the start of the line: the span then starts at the line's
 * first character instead (its real column), and the help says how it is indented
 * compared with the line before.
 */
function reportYamlProblem(doc: YamlDocument, text: string, problem: YAMLError, name: "yaml-syntax" | "yaml-warning", ctx: CompileContext): void {
  let [start, end] = problem.pos;
  while (start < text.length && (text[start] === " " || text[start] === "\t")) start++;
  if (end < start) end = start + 1;
  const span = spanOfOffsets(doc.file, doc.lineCounter, start, end);
  const suggestion = indentationHelp(text, span.line, problem);
  ctx.report(name, { detail: yamlMessage(problem) }, span, suggestion === undefined ? {} : { suggestion });
}

/** For an indentation problem: how the offending line is indented against its neighbour. */
function indentationHelp(text: string, line: number, problem: YAMLError): string | undefined {
  const lines = text.split(/\r?\n/);
  const indent = (l: string): number => l.length - l.trimStart().length;
  const spaces = (n: number): string => `${n} ${n === 1 ? "space" : "spaces"}`;
  const blank = (l: string | undefined): boolean => l === undefined || l.trim() === "" || l.trimStart().startsWith("#");
  const here = lines[line - 1];
  if (here === undefined || here.trim() === "") return undefined;
  if (/without - indicator/i.test(problem.message)) {
    // The line does not line up with the mapping above it (whose keys sit after a `- `).
    let above = line - 2;
    while (above >= 0 && blank(lines[above])) above--;
    const previous = lines[above];
    if (previous === undefined) return undefined;
    const keyIndent = /^\s*- /.test(previous) ? indent(previous) + 2 : indent(previous);
    if (indent(here) === keyIndent) return undefined;
    return `this line is indented by ${spaces(indent(here))}, the line above by ${keyIndent}: indent it by ${keyIndent} to continue that mapping, or less to close it`;
  }
  if (/nested mappings|implicit keys/i.test(problem.message)) {
    // A key with a value on its own line, followed by a line indented deeper: that line is the mistake.
    let below = line;
    while (below < lines.length && blank(lines[below])) below++;
    const next = lines[below];
    if (next === undefined || indent(next) <= indent(here)) return undefined;
    return `line ${below + 1} is indented by ${spaces(indent(next))}, deeper than this line (${indent(here)}), whose key already has a value: indent it by ${indent(here)} if it is a sibling key`;
  }
  return undefined;
}

/**
 * The library's message without any quoted source text: some messages end with
 * `: "<token source>"`, and that source could be a secret.
 */
function yamlMessage(problem: YAMLError): string {
  const first = problem.message.split("\n")[0] ?? problem.code;
  const withoutSource = first.replace(/:\s*".*"\s*$/, "").trim();
  const text = withoutSource === "" ? problem.code : withoutSource;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The document as JS values, with alias expansion capped; undefined after a reported problem. */
function toPlain(doc: YamlDocument, ctx: CompileContext): unknown {
  try {
    return doc.yaml.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (err) {
    if (err instanceof ReferenceError && /alias count/i.test(err.message)) {
      ctx.report("alias-limit", { limit: MAX_ALIAS_COUNT }, spanOfDocumentStart(doc));
      return undefined;
    }
    throw err;
  }
}
