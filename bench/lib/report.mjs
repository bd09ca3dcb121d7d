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
    if (target !== "direct") lines.push(row(["", "server CPU per request", ...figures((c) => time(c.cpuUs))]));
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
  /** @param {TargetName} a @param {TargetName} b */
  const cpuRatio = (a, b) => SCENARIOS.map((s) => ratio((results.cell(a, s)?.cpuUs ?? NaN) / (results.cell(b, s)?.cpuUs ?? NaN)));
  for (const t of /** @type {const} */ (["tollgate", "full"])) {
    if (!has(t) || !has("bare")) continue;
    lines.push(row([`${t} / bare`, "req/s ratio", ...rpsRatio(t, "bare")]));
    lines.push(row([`${t} / bare`, "CPU per request ratio", ...cpuRatio(t, "bare")]));
  }
  if (has("tollgate") && has("direct")) lines.push(row(["tollgate / direct", "req/s ratio", ...rpsRatio("tollgate", "direct")]));
  if (has("bare") && has("direct")) lines.push(row(["bare / direct", "req/s ratio", ...rpsRatio("bare", "direct")]));
  for (const t of /** @type {const} */ (["bare", "tollgate", "full"])) {
    if (has(t) && has("direct")) lines.push(row([`${t} − direct`, "added p50", ...addedP50(t, "direct")]));
  }
  // The gateway's own latency: both paths cross the same cores, so the wake-ups cancel out.
  for (const t of /** @type {const} */ (["tollgate", "full"])) {
    if (has(t) && has("bare")) lines.push(row([`${t} − bare`, "added p50", ...addedP50(t, "bare")]));
  }
  return lines.join("\n");
}

/** The targets: at most this many times bare's CPU, at least this share of its req/s. */
export const GOALS = Object.freeze({ nonStreamCpu: 1.1, streamCpu: 1.3, fullCpu: 2, fullRps: 0.6, streamP99AddedUs: 1000 });

/**
 * The summary in the shape of issue #20's table: bare, the core gateway and the full product
 * side by side at 50 connections, CPU per request and req/s as ratios to bare, each ratio
 * marked against its goal; then the stream p99 at one connection.
 * @param {Results} results @param {readonly TargetName[]} targets
 * @returns {string}
 */
export function summaryTable(results, targets) {
  const shown = /** @type {const} */ (["bare", "tollgate", "full"]).filter((t) => targets.includes(t));
  if (!shown.includes("bare")) return "Summary: needs the bare target (--only bare,…).";
  const [ns50, s50, , s1] = SCENARIOS;
  /** @param {TargetName} t @param {import("./results.mjs").Scenario | undefined} s */
  const cell = (t, s) => (s === undefined ? undefined : results.cell(t, s));
  /** @param {boolean} ok */
  const mark = (ok) => (ok ? " ✓" : " ✗");
  /**
   * @param {string} label @param {import("./results.mjs").Scenario | undefined} s
   * @param {"cpu" | "rps"} kind @param {(t: TargetName) => number} goal NaN: no goal
   */
  const line = (label, s, kind, goal) =>
    row([
      label,
      ...shown.map((t) => {
        const c = cell(t, s);
        const b = cell("bare", s);
        if (c === undefined || b === undefined) return "–";
        if (kind === "cpu") {
          const r = c.cpuUs / b.cpuUs;
          const g = goal(t);
          return t === "bare" ? int(c.cpuUs) : `${int(c.cpuUs)} (${ratio(r)}${Number.isFinite(g) ? mark(r <= g) : ""})`;
        }
        const r = c.rps / b.rps;
        const g = goal(t);
        return t === "bare" ? `1 (${int(c.rps)})` : `${ratio(r)}${Number.isFinite(g) ? mark(r >= g) : ""}`;
      }),
    ]);
  const header = { bare: "bare", tollgate: "tollgate (auth + route + relay)", full: "tollgate full product" };
  const lines = [
    row(["", ...shown.map((t) => header[t])]),
    row(["---", ...shown.map(() => "---:")]),
    line("non-stream, CPU µs per request", ns50, "cpu", (t) => (t === "full" ? GOALS.fullCpu : GOALS.nonStreamCpu)),
    line("stream, CPU µs per stream", s50, "cpu", (t) => (t === "full" ? GOALS.fullCpu : GOALS.streamCpu)),
    line("non-stream req/s vs bare", ns50, "rps", (t) => (t === "full" ? GOALS.fullRps : NaN)),
    line("stream req/s vs bare", s50, "rps", (t) => (t === "full" ? GOALS.fullRps : NaN)),
    row([
      "stream p99 at 1 connection",
      ...shown.map((t) => {
        const c = cell(t, s1);
        const b = cell("bare", s1);
        if (c === undefined || b === undefined) return "–";
        if (t === "bare") return time(c.p99Us);
        const added = c.p99Us - b.p99Us;
        return `${time(c.p99Us)} (${added >= 0 ? "+" : "−"}${time(Math.abs(added))}${mark(added <= GOALS.streamP99AddedUs)})`;
      }),
    ]),
  ];
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
