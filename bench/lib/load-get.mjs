// @ts-check
/** A GET load with wrk (or autocannon when wrk is missing), for endpoints without a body. */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseWrk } from "./load.mjs";

/**
 * @param {{ url: string, seconds: number, connections: number, authorization: string, tmp: string }} o
 * @returns {Promise<import("./load.mjs").LoadResult>}
 */
export async function runWrkGet(o) {
  const hasWrk = spawnSync("wrk", ["-v"]).error === undefined;
  if (!hasWrk) {
    const autocannon = (await import("autocannon")).default;
    const r = await autocannon({ url: o.url, connections: o.connections, duration: o.seconds, headers: { authorization: o.authorization } });
    return { rps: r.requests.average, p50Us: r.latency.p50 * 1000, p99Us: r.latency.p99 * 1000, requests: r.requests.total, errors: r.errors + r.non2xx };
  }
  const script = join(o.tmp, "get.lua");
  writeFileSync(script, `wrk.headers["Authorization"] = ${JSON.stringify(o.authorization)}\n`);
  const out = spawnSync("wrk", [`-t2`, `-c${o.connections}`, `-d${o.seconds}s`, "--latency", "-s", script, o.url], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`wrk exited with ${out.status}: ${out.stderr}`);
  return parseWrk(out.stdout);
}
