/** The GPU-pool table `tollgate check` prints: each endpoint's GPUs, weight and compiled share of its pool's traffic. */
import { formatCount } from "./format.js";
import type { PoolShare } from "./reports.js";

/** The table, or "" when there are no pools. */
export function renderPoolShares(rows: readonly PoolShare[]): string {
  if (rows.length === 0) return "";
  const header = ["pool", "endpoint", "GPUs", "weight", "share"];
  const body = rows.map((r) => [r.pool, r.endpoint, `${formatCount(r.gpus)} × ${r.gpu}`, String(Number(r.weight.toPrecision(6))), `${(r.share * 100).toFixed(1)}%`]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]?.length ?? 0)));
  const right = new Set([3, 4]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return ["Traffic share per GPU-pool endpoint (static, before the runtime's in-flight correction):", "", line(header), ...body.map(line), ""].join("\n");
}
