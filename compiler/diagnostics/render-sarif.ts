/**
 * Diagnostics as SARIF 2.1.0 (the Static Analysis Results Interchange Format, OASIS),
 * the format code-scanning services read (GitHub: `github/codeql-action/upload-sarif`):
 * one run of the tool `tollgate`, one rule per diagnostic code used (its message
 * template and severity), one result per diagnostic with its region and related
 * locations. No code frames: messages never quote a secret, and no file text is
 * included. Paths are relative URIs under `%SRCROOT%` (the checkout the tool ran in;
 * absolute ones become `file://`).
 */
import { pathToFileURL } from "node:url";
import { isAbsolute } from "node:path";
import { compilerVersion } from "../version.js";
import { definitionOf, diagnosticCodes } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";

/** The kebab-case name of each public code, for the rules' `name`. */
const NAME_OF = new Map<string, string>(Object.entries(diagnosticCodes).map(([name, d]) => [d.code, name]));

function artifact(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split("\\").join("/").replace(/^\.\//, ""), uriBaseId: "%SRCROOT%" };
}

function region(d: Pick<Diagnostic, "line" | "col" | "endLine" | "endCol">): Record<string, number> {
  return {
    startLine: d.line,
    startColumn: d.col,
    ...(d.endLine !== undefined && d.endCol !== undefined ? { endLine: d.endLine, endColumn: d.endCol } : {}),
  };
}

/** The SARIF log; `properties` go on the run (e.g. the worst-case table). */
export function renderSarif(diagnostics: readonly Diagnostic[], properties: Readonly<Record<string, unknown>> = {}): string {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const rules = codes.map((code) => {
    const definition = definitionOf(code);
    return {
      id: code,
      ...(NAME_OF.has(code) ? { name: NAME_OF.get(code) } : {}),
      shortDescription: { text: definition?.message.replace(/\{(\w+)\}/g, "<$1>") ?? code },
      ...(definition !== undefined && "help" in definition ? { help: { text: String(definition.help).replace(/\{(\w+)\}/g, "<$1>") } } : {}),
      defaultConfiguration: { level: definition?.severity === "warning" ? "warning" : "error" },
    };
  });
  const results = diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: codes.indexOf(d.code),
    level: d.severity === "warning" ? "warning" : "error",
    message: { text: d.suggestion === undefined ? d.message : `${d.message}\nhelp: ${d.suggestion}` },
    locations: [{ physicalLocation: { artifactLocation: artifact(d.file), region: region(d) } }],
    ...(d.related !== undefined && d.related.length > 0
      ? { relatedLocations: d.related.map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation: artifact(r.file), region: region(r) } })) }
      : {}),
    ...(d.path !== undefined ? { properties: { policyPath: d.path } } : {}),
  }));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "tollgate", version: compilerVersion(), rules } },
        results,
        ...(Object.keys(properties).length > 0 ? { properties } : {}),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
