/** The shape of one row of the diagnostics table (codes.ts and codes/*.ts). */

/** How serious a diagnostic is: errors block the plan, warnings do not (unless --strict). */
export type Severity = "error" | "warning";

/** One row of the table. */
export interface CodeDefinition {
  readonly code: `TG${number}`;
  readonly severity: Severity;
  readonly message: string;
  /** A help line shown as `= help: …` unless the report gives its own suggestion. */
  readonly help?: string;
  readonly redact?: boolean;
}
