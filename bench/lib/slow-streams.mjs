// @ts-check
/**
 * Memory per held stream: what 2,000 slow clients (2 tokens/s, ~20 s each) cost a server.
 * A gateway spends most of its life holding streams like these, so RSS per stream, not
 * req/s, decides how many it can carry.
 */
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { startPinned } from "./children.mjs";
import { AUTHORIZATION, CLIENT_CORE, serverRssKb } from "./targets.mjs";

/** @typedef {{ idleKb: number, heldKb: number, held: number, failed: number, firstError: string }} SlowStreamsResult */

const CLIENT = fileURLToPath(new URL("../slow-streams-client.mjs", import.meta.url));
/** Time for the server's memory to settle after the last stream started. */
const SETTLE_MS = 1000;

/**
 * Reads the server's RSS idle, opens `streams` slow streams from a separate pinned process,
 * reads RSS again while they are held, and closes them all.
 * @param {import("./targets.mjs").RunningTarget} target
 * @param {{ streams: number, bodyFile: string }} o
 * @returns {Promise<SlowStreamsResult>}
 */
export async function measureSlowStreams(target, { streams, bodyFile }) {
  await sleep(SETTLE_MS);
  const idleKb = serverRssKb(target);
  const client = startPinned("slow-streams-client", {
    core: CLIENT_CORE,
    command: process.execPath,
    args: [CLIENT, "--url", target.url, "--streams", String(streams), "--body-file", bodyFile, "--authorization", AUTHORIZATION],
    stdin: true,
  });
  try {
    const { ready, failed, firstError } = JSON.parse(await firstLine(client, 60_000));
    await sleep(SETTLE_MS);
    const heldKb = serverRssKb(target);
    return { idleKb, heldKb, held: ready, failed, firstError };
  } finally {
    client.proc.stdin?.end();
    await Promise.race([client.exited, sleep(5000)]);
    await client.stop();
  }
}

/**
 * The first line the child prints.
 * @param {import("./children.mjs").Child} child @param {number} timeoutMs
 * @returns {Promise<string>}
 */
async function firstLine(child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!child.stdout.includes("\n")) {
    if (!child.alive) throw new Error(`${child.name} exited: ${child.lastWords()}`);
    if (Date.now() > deadline) throw new Error(`${child.name} reported nothing within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
  return child.stdout.slice(0, child.stdout.indexOf("\n"));
}
