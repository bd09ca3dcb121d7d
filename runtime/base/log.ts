/**
 * Structured log lines (one JSON object per line on stderr) for startup, plan changes
 * and failures. Callers pass fields, never secrets: this is the only place that
 * writes logs, and it writes exactly what it is given.
 */

export type LogLevel = "info" | "warn" | "error";

let quiet = false;

/** Silences info lines (tests). Warnings and errors are always written. */
export function setQuietLogs(value: boolean): void {
  quiet = value;
}

export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (quiet && level === "info") return;
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + "\n");
}
