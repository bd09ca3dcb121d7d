/** Positions in TypeScript sources as Tollgate spans (1-based; the end is exclusive). */
import type ts from "typescript";
import type { SourceSpan } from "../../diagnostics/diagnostic.js";

/** The span of `node` (without leading trivia) in the policy file `file`. */
export function spanOfTsNode(file: string, node: ts.Node): SourceSpan {
  const sourceFile = node.getSourceFile();
  return spanOfRange(file, sourceFile, node.getStart(sourceFile), node.getEnd());
}

/** The span of the character range [start, end) of `sourceFile`. */
export function spanOfRange(file: string, sourceFile: ts.SourceFile, start: number, end: number): SourceSpan {
  const from = sourceFile.getLineAndCharacterOfPosition(start);
  const to = sourceFile.getLineAndCharacterOfPosition(Math.max(start, end));
  return { file, line: from.line + 1, col: from.character + 1, endLine: to.line + 1, endCol: to.character + 1 };
}
