/**
 * The worst-case table `tollgate check` prints after the diagnostics: one row per
 * model, with the ceilings that apply and whether they hold. Plain text, aligned, no
 * colour: it is read in terminals and pasted into pull requests alike.
 */
import { formatCount, formatDuration, formatUsd, plural } from "./format.js";
import type { WorstCase } from "./reports.js";

/** The table, or "" when there are no models. */
export function renderWorstCaseTable(rows: readonly WorstCase[]): string {
  if (rows.length === 0) return "";
  const header = ["model", "attempts", "latency", "cost", "tokens per attempt", "ceilings"];
  const body = rows.map((r) => [
    r.model,
    formatCount(r.attempts),
    formatDuration(r.latencyMs),
    r.costUsd === null ? "?" : formatUsd(r.costUsd),
    `${formatCount(r.assumedTokens.input)} in + ${formatCount(r.assumedTokens.output)} out`,
    ceilings(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]?.length ?? 0)));
  // Numbers right-aligned, text left-aligned; the last column is not padded.
  const right = new Set([1, 2, 3]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const notes = [
    ...rows.filter((r) => r.costUsd === null).map((r) => `? ${r.model}: no price for ${r.unpriced.join(", ")}`),
    ...rows.filter((r) => r.backoffMs !== undefined).map(reliabilityNote),
  ];
  return [
    "Worst case per request (every attempt fails but the last; each attempt runs to its timeouts.total and is billed in full):",
    "",
    line(header),
    ...body.map(line),
    ...(notes.length > 0 ? ["", ...notes] : []),
    "",
  ].join("\n");
}

/** "+ chat: retries, key rotations and the attempt budget included, up to 2s of backoff; deadline 30s". */
function reliabilityNote(r: WorstCase): string {
  const cut = r.cutByDeadline === undefined ? "" : ` (${plural(r.cutByDeadline, "more attempt")} of the budget can never start before it)`;
  const deadline = r.deadlineMs === null || r.deadlineMs === undefined ? "" : `; deadline ${formatDuration(r.deadlineMs)}${cut}`;
  const backoff = (r.backoffMs ?? 0) > 0 ? `, up to ${formatDuration(r.backoffMs ?? 0)} of backoff` : "";
  return `+ ${r.model}: retries, key rotations and the attempt budget included${backoff}${deadline}`;
}

/** "latency ≤ 30s ✓, cost ≤ $0.0500 ✗", or "-". */
function ceilings(r: WorstCase): string {
  const parts: string[] = [];
  if (r.maxLatencyMs !== null) parts.push(`latency ≤ ${formatDuration(r.maxLatencyMs)} ${r.latencyMs <= r.maxLatencyMs ? "✓" : "✗"}`);
  if (r.maxCostUsd !== null) {
    const verdict = r.costUsd === null ? "?" : r.costUsd <= r.maxCostUsd ? "✓" : "✗";
    parts.push(`cost ≤ ${formatUsd(r.maxCostUsd)} ${verdict}`);
  }
  return parts.length === 0 ? "-" : parts.join(", ");
}
