import ts from "typescript";
import { describe, expect, it } from "vitest";
import { decodeMappings, originalPosition } from "./source-map-lookup.js";

describe("source map lookup", () => {
  it("decodes VLQ segments, negative deltas included", () => {
    // "AAAA" = [0,0,0,0]; "SAAS" = [9,0,0,9]; "ACDC" = [0,1,-1,1].
    expect(decodeMappings("AAAA,SAAS;ACDC")).toEqual([
      [
        { column: 0, sourceLine: 0, sourceColumn: 0 },
        { column: 9, sourceLine: 0, sourceColumn: 9 },
      ],
      [{ column: 0, sourceLine: -1, sourceColumn: 10 }],
    ]);
  });

  it("maps a position of transpiled TypeScript back to the source", () => {
    const source = "type T = { a: number };\nconst x: T = { a: 1 };\nthrow new Error(String(x.a));\n";
    const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true } });
    const lines = decodeMappings((JSON.parse(out.sourceMapText ?? "{}") as { mappings: string }).mappings);
    const js = out.outputText.split("\n");
    const throwLine = js.findIndex((l) => l.includes("throw new Error"));
    expect(originalPosition(lines, throwLine, js[throwLine]?.indexOf("new") ?? 0)).toEqual({ line: 2, column: 6 });
  });
});
