/**
 * The diagnostics table: every problem the compiler can report, in one place.
 *
 * Each entry is keyed by a kebab-case name (what passes call `ctx.report` with) and
 * carries the stable public code, the severity and a message template whose
 * `{placeholders}` are type-checked at every call site (see `MessageParams`).
 *
 * Code ranges: TG1xxx syntax and shape (TG11xx: TypeScript policies), TG2xxx
 * references and duplicates, TG3xxx analyses of the whole gateway (mostly warnings),
 * TG4xxx policy tests, TG5xxx operations, TG60xx provider kinds and protocol settings, TG64xx quotas, TG67xx stores.
 *
 * `redact: true` marks codes whose source span may hold a secret: renderers mask
 * that span in every code frame of the file, and the message never quotes it.
 */

import type { CodeDefinition } from "./code-definition.js";
import { analysisCodes } from "./codes/analyses.js";
import { guardrailCodes } from "./codes/guardrails.js";
import { operationsCodes } from "./codes/operations.js";
import { policyTestCodes } from "./codes/policy-tests.js";
import { promptsCacheCodes } from "./codes/prompts-cache.js";
import { quotaCodes } from "./codes/quotas.js";
import { providerCodes } from "./codes/providers.js";
import { referenceCodes } from "./codes/references.js";
import { reliabilityCodes } from "./codes/reliability.js";
import { routingCodes } from "./codes/routing.js";
import { shapeCodes } from "./codes/shape.js";
import { storeCodes } from "./codes/stores.js";
import { typescriptCodes } from "./codes/typescript.js";

export type { CodeDefinition, Severity } from "./code-definition.js";

/**
 * The table, assembled from one file per code family. Add a row to the family's file
 * before reporting a new kind of problem; a name used twice is caught by codes.test.ts.
 */
export const diagnosticCodes = {
  ...shapeCodes,
  ...typescriptCodes,
  ...referenceCodes,
  ...analysisCodes,
  ...policyTestCodes,
  ...operationsCodes,
  ...promptsCacheCodes,
  ...quotaCodes,
  ...storeCodes,
  ...guardrailCodes,
  ...providerCodes,
  ...reliabilityCodes,
  ...routingCodes,
} as const satisfies Record<string, CodeDefinition>;

/** The kebab-case name of a diagnostic. */
export type CodeName = keyof typeof diagnosticCodes;

/** The `{placeholder}` names of a message template, as a union of string literals. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;

/** The parameters a code's message and help templates need, checked at compile time. */
export type MessageParams<K extends CodeName> = {
  readonly [P in Placeholders<(typeof diagnosticCodes)[K]["message"]> | Placeholders<HelpOf<K>>]: string | number;
};
type HelpOf<K extends CodeName> = (typeof diagnosticCodes)[K] extends { readonly help: infer H extends string } ? H : "";

/** Fills `{name}` placeholders; an unknown placeholder is a programmer error. */
export function fillTemplate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`diagnostic template parameter {${key}} missing in "${template}"`);
    return String(value);
  });
}

const byPublicCode = new Map<string, CodeDefinition>(Object.values(diagnosticCodes).map((definition) => [definition.code, definition]));

/** The table row for a public code such as "TG2001", or undefined for codes this compiler does not emit. */
export function definitionOf(code: string): CodeDefinition | undefined {
  return byPublicCode.get(code);
}
