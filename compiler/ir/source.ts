/** The compiler's inputs: policy sources and documents, and where each value came from (for file:line:col). Types only. */
import type { Document, LineCounter } from "yaml";
import type { SourceSpan } from "../diagnostics/diagnostic.js";

/** A policy file handed to the compiler. `path` is how diagnostics name the file. */
export interface Source {
  readonly path: string;
  readonly text: string;
}

/** A path inside one policy document, e.g. `["providers", 0, "baseUrl"]`. */
export type PolicyPath = readonly (string | number)[];

/** One policy document: a YAML document, or the policy a TypeScript module exports. */
export type SourceDocument = YamlDocument | ScriptDocument;

/** One parsed YAML document, with what is needed to map a path back to file:line:col. */
export interface YamlDocument {
  readonly kind: "yaml";
  readonly file: string;
  /** 0-based position of the document in its file (`---` separated). */
  readonly index: number;
  readonly yaml: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The document as plain JS; `undefined` when the YAML itself had errors. */
  readonly value: unknown;
}

/**
 * The policy a TypeScript module exports, after evaluation. Its positions come from
 * the module's syntax tree: `locate` maps a path inside `value` to the node that
 * wrote it (possibly in another policy module it imports).
 */
export interface ScriptDocument {
  readonly kind: "typescript";
  readonly file: string;
  readonly index: 0;
  /** The exported policy as plain JSON values. */
  readonly value: unknown;
  /** The span of the node at `path` (or of its deepest located ancestor); `key` prefers the property name. */
  readonly locate: (path: PolicyPath, part: "key" | "value") => SourceSpan;
  /** Where the policy is written: the `defineGateway(` call or the exported expression. */
  readonly start: SourceSpan;
}

/** Where a policy value came from. */
export interface Origin {
  readonly doc: SourceDocument;
  readonly path: PolicyPath;
}

/** A policy value together with its origin. */
export interface Located<T> {
  readonly value: T;
  readonly at: Origin;
}
