// @ts-check
/** The benchmark's command-line options. */
import { parseArgs } from "node:util";

/** @typedef {"direct" | "bare" | "tollgate" | "full"} TargetName */
/** @typedef {{ seconds: number, warmupSeconds: number, runs: number, retries: number, only: TargetName[], streams: number, slowStreams: boolean, extras: boolean }} Options */

/** Every target, in the order each run visits them. */
export const TARGET_NAMES = /** @type {const} */ (["direct", "bare", "tollgate", "full"]);

const USAGE = `usage: node bench/run.mjs [options]   (after npm run build)
  --duration S     seconds of measured load per cell (default 10)
  --warmup S       seconds of unmeasured load before each cell (default 3)
  --runs N         runs per cell; the report shows the median (default 2)
  --retries N      re-runs of a cell disturbed by other processes' CPU load (default 2)
  --quick          --duration 3 --warmup 1 --runs 1 --retries 1
  --only LIST      targets, comma-separated: direct,bare,tollgate,full (default all)
  --streams N      held streams in the slow-streams scenario (default 2000)
  --no-slow        skip the slow-streams scenario
  --no-extras      only the load table and the big-prompt delay: skip compile speed, workers and
                   the in-process feature figures`;

/** @param {string[]} argv @returns {Options} */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: "string" },
      warmup: { type: "string" },
      runs: { type: "string" },
      retries: { type: "string" },
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      streams: { type: "string", default: "2000" },
      "no-slow": { type: "boolean", default: false },
      "no-extras": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = (values.only ?? TARGET_NAMES.join(",")).split(",").map((s) => s.trim());
  const unknown = only.filter((t) => !TARGET_NAMES.includes(/** @type {TargetName} */ (t)));
  if (unknown.length > 0) usage(`unknown target(s): ${unknown.join(", ")}`);
  return {
    seconds: positive("duration", values.duration ?? (values.quick ? "3" : "10")),
    warmupSeconds: positive("warmup", values.warmup ?? (values.quick ? "1" : "3"), true),
    runs: positive("runs", values.runs ?? (values.quick ? "1" : "2")),
    retries: positive("retries", values.retries ?? (values.quick ? "1" : "2"), true),
    // Keep the report's target order whatever order --only lists them in.
    only: TARGET_NAMES.filter((t) => only.includes(t)),
    streams: positive("streams", values.streams),
    slowStreams: !values["no-slow"],
    extras: !values["no-extras"],
  };
}

/** @param {string} name @param {string} value @param {boolean} [zeroOk] */
function positive(name, value, zeroOk = false) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) usage(`--${name} must be a whole number${zeroOk ? "" : " above 0"}`);
  return n;
}

/** @param {string} message @returns {never} */
function usage(message) {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}
