/**
 * Structured log lines (one JSON object per line on stderr) for startup, plan changes
 * and failures. Callers pass fields, never secrets: this is the only place that
 * writes logs, and it writes what it is given, less any secret the process holds
 * (a second line of defence: a field quoting an upstream's words could carry one).
 */
import { scrubSecrets } from "./scrub-secrets.js";

export type LogLevel = "info" | "warn" | "error";

let quiet = false;

/** Silences info lines (tests). Warnings and errors are always written. */
export function setQuietLogs(value: boolean): void {
  quiet = value;
}

export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (quiet && level === "info") return;
  process.stderr.write(scrubSecrets(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })) + "\n");
}
