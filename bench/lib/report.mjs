// @ts-check
/**
 * The Markdown report: one table of load figures with ratio rows, one of memory per held
 * stream. Ratios are computed from the medians, within the same invocation only: absolute
 * figures drift between passes on a shared machine, same-run ratios hold.
 */
import { SCENARIOS } from "./results.mjs";

/** @typedef {import("./options.mjs").TargetName} TargetName */
/** @typedef {import("./results.mjs").Results} Results */

/** @param {number} n */
const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–");
/** @param {number} us */
const time = (us) => (!Number.isFinite(us) ? "–" : us < 1000 ? `${Math.round(us)} µs` : us < 10_000 ? `${(us / 1000).toFixed(2)} ms` : `${(us / 1000).toFixed(1)} ms`);
/** @param {number} kb */
const mib = (kb) => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(1)} MiB` : "–");
/** @param {number} r */
const ratio = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "–");
/** @param {string} s Markdown-safe table cell text. */
const cellText = (s) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ");
/** @param {string[]} cells */
const row = (cells) => `| ${cells.join(" | ")} |`;

/**
 * The load table.
 * @param {Results} results @param {readonly TargetName[]} targets
 * @returns {string}
 */
export function loadTable(results, targets) {
  const lines = [row(["target", "figure", ...SCENARIOS.map((s) => s.label)]), row(["---", "---", ...SCENARIOS.map(() => "---:")])];
  for (const target of targets) {
    const failure = results.failure(target);
    if (failure !== undefined) {
      lines.push(row([`**${target}**`, "req/s", cellText(`n/a (${failure})`), ...SCENARIOS.slice(1).map(() => "n/a")]));
      continue;
    }
    /** @param {(c: NonNullable<ReturnType<Results["cell"]>>) => string} f */
    const figures = (f) =>
      SCENARIOS.map((s) => {
        const c = results.cell(target, s);
        if (c !== undefined) return f(c);
        const why = results.failure(target, s);
        return why === undefined ? "–" : cellText(`n/a (${why})`);
      });
    lines.push(row([`**${target}**`, "req/s", ...figures((c) => int(c.rps) + (c.noisy ? " †" : "") + (c.errors > 0 ? ` ⚠ ${int(c.errors)} errors` : ""))]));
    lines.push(row(["", "p50 / p99", ...figures((c) => `${time(c.p50Us)} / ${time(c.p99Us)}`)]));
    if (target !== "direct") lines.push(row(["", "server RSS", ...figures((c) => mib(c.rssKb))]));
  }
  /** @param {TargetName} a @param {TargetName} b */
  const rpsRatio = (a, b) => SCENARIOS.map((s) => ratio((results.cell(a, s)?.rps ?? NaN) / (results.cell(b, s)?.rps ?? NaN)));
  /** Added median latency of `t` over `base`, at one connection only: at 50 it is mostly queueing. @param {TargetName} t @param {TargetName} base */
  const addedP50 = (t, base) =>
    SCENARIOS.map((s) => {
      if (s.connections !== 1) return "";
      const d = (results.cell(t, s)?.p50Us ?? NaN) - (results.cell(base, s)?.p50Us ?? NaN);
      return Number.isFinite(d) ? `${d >= 0 ? "+" : "−"}${int(Math.abs(d))} µs` : "–";
    });
  const has = (/** @type {TargetName} */ t) => targets.includes(t);
  if (has("tollgate") && has("bare")) lines.push(row(["tollgate / bare", "req/s ratio", ...rpsRatio("tollgate", "bare")]));
  if (has("tollgate") && has("direct")) lines.push(row(["tollgate / direct", "req/s ratio", ...rpsRatio("tollgate", "direct")]));
  if (has("bare") && has("direct")) lines.push(row(["bare / direct", "req/s ratio", ...rpsRatio("bare", "direct")]));
  for (const t of /** @type {const} */ (["bare", "tollgate"])) {
    if (has(t) && has("direct")) lines.push(row([`${t} − direct`, "added p50", ...addedP50(t, "direct")]));
  }
  // The gateway's own latency: both paths cross the same cores, so the wake-ups cancel out.
  if (has("tollgate") && has("bare")) lines.push(row(["tollgate − bare", "added p50", ...addedP50("tollgate", "bare")]));
  return lines.join("\n");
}

/**
 * The slow-streams table.
 * @param {Results} results @param {readonly TargetName[]} targets @param {number} streams
 * @returns {string}
 */
export function slowTable(results, targets, streams) {
  const lines = [row(["target", "streams held", "server RSS idle", "server RSS held", "KB per stream"]), row(["---", "---:", "---:", "---:", "---:"])];
  for (const target of targets) {
    if (target === "direct") continue;
    const failure = results.failure(target);
    const s = results.slow(target);
    if (failure !== undefined || s === undefined) {
      lines.push(row([`**${target}**`, cellText(`n/a (${failure ?? "not measured"})`), "", "", ""]));
      continue;
    }
    const held = s.held < streams ? `${int(s.held)} of ${int(streams)} ⚠ ${cellText(s.firstError || "not all opened")}` : int(s.held);
    // KB as in "kilobytes of RSS" (VmRSS counts KiB); per stream = (held − idle) / streams held.
    lines.push(row([`**${target}**`, held, mib(s.idleKb), mib(s.heldKb), Number.isFinite(s.kbPerStream) ? s.kbPerStream.toFixed(1) : "–"]));
  }
  return lines.join("\n");
}
