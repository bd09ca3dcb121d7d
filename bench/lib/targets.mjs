// @ts-check
/**
 * The servers under test. Each run starts the target fresh, pinned to core 1, and checks it
 * with one real request of each kind before measuring: a gateway that answers 401 or 404
 * quickly would otherwise post a splendid req/s.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { ensurePortFree, rssKb, startPinned, waitForPort } from "./children.mjs";

/** @typedef {import("./options.mjs").TargetName} TargetName */
/**
 * @typedef {object} RunningTarget
 * @property {TargetName} name
 * @property {string} url          chat completions URL the load goes to
 * @property {number | undefined} pid  the server process (none for direct)
 * @property {string} slowModel    model name that makes the mock stream slowly
 * @property {() => string | undefined} exitReason  why the server is gone, undefined while it runs
 * @property {() => Promise<void>} stop
 */

/** Fixed ports: the mock's is baked into bench/bench-policy.yaml. */
export const PORTS = Object.freeze({ mock: 19099, bare: 19100, tollgate: 19101, full: 19102 });
/** The server under test gets core 1; the mock and the load generator share core 0. */
export const SERVER_CORE = 1;
export const CLIENT_CORE = 0;
/** The model every load request names; the policy maps it to the mock unchanged. */
export const BENCH_MODEL = "bench-model";
export const AUTHORIZATION = "Bearer bench-key";

const root = (/** @type {string} */ p) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const CHAT_PATH = "/v1/chat/completions";

/**
 * The full product's policy, written into `dir` with its audit log pointed there too (the
 * committed file names a fixed path under /tmp). Returns the policy's path.
 * @param {string} dir
 */
export function fullPolicy(dir) {
  const path = join(dir, "bench-full-policy.yaml");
  if (!existsSync(path)) {
    const text = readFileSync(root("bench/bench-full-policy.yaml"), "utf8");
    writeFileSync(path, text.replace("/tmp/tollgate-bench-audit.jsonl", join(dir, "audit.jsonl")));
  }
  return path;
}

/**
 * Starts a target and probes it. Throws with a one-line reason when it cannot serve.
 * @param {TargetName} name
 * @param {string} dir a scratch folder for the run (the full product's policy and audit log)
 * @returns {Promise<RunningTarget>}
 */
export async function startTarget(name, dir) {
  if (name === "direct") {
    const url = `http://127.0.0.1:${PORTS.mock}${CHAT_PATH}`;
    await probe(url);
    return { name, url, pid: undefined, slowModel: "echo+tps=2+tokens=40", exitReason: () => undefined, stop: async () => {} };
  }
  const port = PORTS[name];
  const args =
    name === "bare"
      ? [root("bench/bare-proxy.mjs"), "--port", String(port), "--upstream", `http://127.0.0.1:${PORTS.mock}`]
      : [
          root("dist/cli/main.js"),
          "serve",
          "--policy",
          name === "full" ? fullPolicy(dir) : root("bench/bench-policy.yaml"),
          "--port",
          String(port),
          "--server",
          "uws",
          "--workers",
          "1",
        ];
  if (!existsSync(args[0] ?? "")) throw new Error(`${args[0]} is missing (run npm run build)`);
  await ensurePortFree(port);
  const child = startPinned(name, { core: SERVER_CORE, command: process.execPath, args });
  try {
    await waitForPort(child, port, name === "bare" ? 10_000 : 30_000);
    const url = `http://127.0.0.1:${port}${CHAT_PATH}`;
    await probe(url);
    return {
      name,
      url,
      pid: child.pid,
      slowModel: name === "bare" ? "echo+tps=2+tokens=40" : "bench-slow",
      exitReason: () => (child.alive ? undefined : `exited (${child.exitCode}): ${child.lastWords()}`),
      stop: () => child.stop(),
    };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** One non-streaming and one streaming request must succeed, or the target is not measured. @param {string} url */
async function probe(url) {
  for (const stream of [false, true]) {
    const body = JSON.stringify({ model: BENCH_MODEL, messages: [{ role: "user", content: "probe" }], stream });
    const res = await request(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: AUTHORIZATION },
      body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await res.body.text();
    const ok = res.statusCode === 200 && (stream ? text.trimEnd().endsWith("data: [DONE]") : text.includes('"choices"'));
    if (!ok) throw new Error(`probe (${stream ? "stream" : "non-stream"}): HTTP ${res.statusCode} ${text.slice(0, 120).replace(/\s+/g, " ")}`);
  }
}

/** The server's RSS in KiB, NaN for direct. @param {RunningTarget} t */
export function serverRssKb(t) {
  return t.pid === undefined ? NaN : rssKb(t.pid);
}
