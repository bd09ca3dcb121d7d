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
    for (const warning of yaml.warnings) reportYamlProblem(shell, warning, "yaml-warning", ctx);
    for (const error of yaml.errors) reportYamlProblem(shell, error, "yaml-syntax", ctx);
    const clean = yaml.errors.length === 0 && checkYamlStructure(shell, ctx);
    const doc: YamlDocument = clean ? { ...shell, value: toPlain(shell, ctx) } : shell;
    scanSecrets(doc, ctx);
    // An empty document (comments only, or a bare `---`) holds null: nothing to merge.
    if (clean && doc.value !== null && doc.value !== undefined) out.push(doc);
  });
  return out;
}

function reportYamlProblem(doc: YamlDocument, problem: YAMLError, name: "yaml-syntax" | "yaml-warning", ctx: CompileContext): void {
  const [start, end] = problem.pos;
  ctx.report(name, { detail: yamlMessage(problem) }, spanOfOffsets(doc.file, doc.lineCounter, start, end));
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
