// @ts-check
/**
 * Opens N slow streams and holds them, so the benchmark can read the server's memory per
 * held stream. Runs in its own process (pinned with the load generator) so that 2,000 sockets
 * and their buffers never count against the runner or the server under test.
 *
 * Usage: node bench/slow-streams-client.mjs --url U --streams N --body-file F --authorization A
 * Prints one JSON line {"ready": n, "failed": n, "firstError": "…"} once every stream has
 * received its first body bytes (or failed, or the deadline passed), then holds the streams
 * until stdin closes or says anything, and exits.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Pool } from "undici";

const { values: args } = parseArgs({
  options: {
    url: { type: "string" },
    streams: { type: "string", default: "2000" },
    "body-file": { type: "string" },
    authorization: { type: "string", default: "" },
    "deadline-ms": { type: "string", default: "30000" },
  },
});
const target = new URL(args.url ?? "http://127.0.0.1:19100/v1/chat/completions");
const streams = Number(args.streams);
const body = readFileSync(args["body-file"] ?? "", "utf8");
// One connection per stream: a held stream occupies its connection for its whole life.
const pool = new Pool(target.origin, { connections: streams, pipelining: 1, bodyTimeout: 0, headersTimeout: 60_000 });

let ready = 0;
let failed = 0;
let firstError = "";
let reported = false;

function report() {
  if (reported) return;
  reported = true;
  process.stdout.write(`${JSON.stringify({ ready, failed, firstError })}\n`);
}

/** @param {unknown} err */
function fail(err) {
  failed++;
  firstError ||= err instanceof Error ? err.message : String(err);
  if (ready + failed === streams) report();
}

for (let i = 0; i < streams; i++) {
  pool
    .request({
      path: target.pathname,
      method: "POST",
      headers: { "content-type": "application/json", authorization: args.authorization },
      body,
    })
    .then(({ statusCode, body: res }) => {
      if (statusCode !== 200) {
        res.dump().catch(() => {});
        return fail(new Error(`HTTP ${statusCode}`));
      }
      let first = true;
      res.on("data", () => {
        if (!first) return;
        first = false;
        if (++ready + failed === streams) report();
      });
      res.on("error", () => {}); // the benchmark closes streams before they end; that is expected
    }, fail);
}

setTimeout(report, Number(args["deadline-ms"])).unref();
// Hold until the runner says so (or goes away), then cut every stream at once.
process.stdin.once("data", close).once("end", close).resume();

function close() {
  report();
  void pool.destroy().finally(() => process.exit(0));
}
