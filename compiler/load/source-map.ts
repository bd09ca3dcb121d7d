/**
 * Policy path ↔ file:line:col. A path such as `["providers", 0, "baseUrl"]` is walked
 * through the YAML node tree of its document; the node's offsets become 1-based
 * line/column through the file's LineCounter. When the path does not fully exist
 * (a missing field), the deepest node that does exist is used. A TypeScript
 * document brings its own locator (see load/typescript/locate.ts).
 */
import { type LineCounter, type Node, isAlias, isMap, isNode, isScalar, isSeq } from "yaml";
import type { SourceSpan } from "../diagnostics/diagnostic.js";
import type { Origin, PolicyPath, SourceDocument, YamlDocument } from "../ir.js";

/** Which part of a `key: value` pair to point at. Unknown fields point at the key. */
export type SpanPart = "key" | "value";

/** The span of a byte range [start, end) of a file. */
export function spanOfOffsets(file: string, lineCounter: LineCounter, start: number, end: number): SourceSpan {
  const from = lineCounter.linePos(start);
  const to = lineCounter.linePos(Math.max(start, end));
  return { file, line: from.line, col: from.col, endLine: to.line, endCol: to.col };
}

/** The span of a YAML node. */
export function spanOfNode(doc: YamlDocument, node: Node): SourceSpan {
  const range = node.range;
  if (!range) return { file: doc.file, line: 1, col: 1 };
  return spanOfOffsets(doc.file, doc.lineCounter, range[0], range[1]);
}

/** The text of a scalar mapping key, or undefined for any other key. */
export function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

interface Found {
  /** The key node of the last mapping entry on the path, if the path ends in one. */
  key: Node | undefined;
  /** The node at the path (or at its deepest existing prefix). */
  node: Node | undefined;
  complete: boolean;
}

/** Walks `path` through the document's node tree, following aliases to their anchors. */
export function findNode(doc: YamlDocument, path: PolicyPath): Found {
  let node: unknown = doc.yaml.contents;
  let key: Node | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc.yaml) ?? node;
    let next: unknown;
    let nextKey: Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(segment));
      if (pair === undefined) return { key, node: asNode(node), complete: false };
      next = pair.value;
      nextKey = isNode(pair.key) ? pair.key : undefined;
      // `field:` with no value: the pair exists, its value node does not.
      if (!isNode(next)) return { key: nextKey, node: undefined, complete: true };
    } else if (isSeq(node) && typeof segment === "number" && isNode(node.items[segment])) {
      next = node.items[segment];
      nextKey = undefined;
    } else {
      return { key, node: asNode(node), complete: false };
    }
    node = next;
    key = nextKey;
  }
  return { key, node: asNode(node), complete: true };
}

function asNode(value: unknown): Node | undefined {
  return isNode(value) ? value : undefined;
}

/** The span of the node at `origin`; `part` picks the key or the value of a mapping entry. */
export function spanAt(origin: Origin, part: SpanPart = "value"): SourceSpan {
  if (origin.doc.kind === "typescript") return origin.doc.locate(origin.path, part);
  const { key, node, complete } = findNode(origin.doc, origin.path);
  // An incomplete path (a missing field) points at the key that owns the parent, when there is one.
  const preferKey = part === "key" || !complete;
  const target = preferKey ? (key ?? node) : (node ?? key);
  if (target !== undefined) return spanOfNode(origin.doc, target);
  return spanOfDocumentStart(origin.doc);
}

/** The start of a document: its first content node, or line 1. */
export function spanOfDocumentStart(doc: SourceDocument): SourceSpan {
  if (doc.kind === "typescript") return doc.start;
  const contents = doc.yaml.contents;
  if (isNode(contents) && contents.range) {
    const pos = doc.lineCounter.linePos(contents.range[0]);
    return { file: doc.file, line: pos.line, col: pos.col };
  }
  return { file: doc.file, line: 1, col: 1 };
}

/** `providers[0].timeouts.connect`: the path as a reader writes it. */
export function formatPath(path: PolicyPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}
