import { describe, expect, it } from "vitest";
import { definitionOf, diagnosticCodes, fillTemplate } from "./codes.js";
import { analysisCodes } from "./codes/analyses.js";
import { guardrailCodes } from "./codes/guardrails.js";
import { operationsCodes } from "./codes/operations.js";
import { policyTestCodes } from "./codes/policy-tests.js";
import { promptsCacheCodes } from "./codes/prompts-cache.js";
import { providerCodes } from "./codes/providers.js";
import { quotaCodes } from "./codes/quotas.js";
import { referenceCodes } from "./codes/references.js";
import { reliabilityCodes } from "./codes/reliability.js";
import { routingCodes } from "./codes/routing.js";
import { shapeCodes } from "./codes/shape.js";
import { storeCodes } from "./codes/stores.js";
import { typescriptCodes } from "./codes/typescript.js";

describe("the diagnostics table", () => {
  const rows = Object.entries(diagnosticCodes);

  it("gives every row a unique TG code in the range of its family", () => {
    const codes = rows.map(([, row]) => row.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [name, row] of rows) {
      expect(row.code, name).toMatch(/^TG[1-9]\d{3}$/);
      expect(name, row.code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
    }
  });

  it("keeps TG1xxx and TG2xxx as errors (only analyses and provider checks may warn)", () => {
    for (const [name, row] of rows) {
      if (row.severity === "warning" && row.code !== "TG1007") expect(/^TG[12]/.test(row.code), name).toBe(false);
    }
  });

  it("never puts a value placeholder in a redacted message", () => {
    for (const [name, row] of rows) {
      if (!("redact" in row)) continue;
      const placeholders = [...row.message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(placeholders, name).toEqual(["what"]);
    }
  });

  it("loses no row when the family files are merged (a name used in two families would)", () => {
    const families = [
      shapeCodes,
      typescriptCodes,
      referenceCodes,
      analysisCodes,
      policyTestCodes,
      operationsCodes,
      guardrailCodes,
      providerCodes,
      quotaCodes,
      storeCodes,
      reliabilityCodes,
      promptsCacheCodes,
      routingCodes,
    ];
    expect(rows.length).toBe(families.reduce((n, f) => n + Object.keys(f).length, 0));
  });

  it("looks rows up by public code", () => {
    expect(definitionOf("TG2001")?.severity).toBe("error");
    expect(definitionOf("TG9999")).toBeUndefined();
  });

  it("fills templates and refuses missing parameters", () => {
    expect(fillTemplate("unknown `{name}` in {where}", { name: "x", where: "y" })).toBe("unknown `x` in y");
    expect(() => fillTemplate("{missing}", {})).toThrow(/missing/);
  });
});
