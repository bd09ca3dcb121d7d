/**
 * Which listener serves when the operator did not choose one (`--server` left out, or
 * `auto`): uWebSockets.js when a native build loads on this Node and platform, else
 * node:http, with one log line saying why and how to choose. An explicit `uws` is kept
 * as asked: it refuses to start where uWS does not load (load-uws.ts says why).
 */
import { log } from "../base/log.js";
import type { ServerKind } from "./exchange.js";
import { probeUws } from "./load-uws.js";

/** A listener as asked for: one of the two, or `auto` (the default). */
export type ServerChoice = ServerKind | "auto";

/** The accepted spellings of a choice, for flags and environment variables. */
export const SERVER_CHOICES: readonly ServerChoice[] = ["auto", "uws", "node"];

let announced = false;

/**
 * The listener to run for `choice`. `announce`: log the fallback (once per thread);
 * false where another thread already did (worker threads get the main thread's kind).
 */
export function chooseListener(choice: ServerChoice, announce = true): ServerKind {
  if (choice !== "auto") return choice;
  const uws = probeUws();
  if ("uws" in uws) return "uws";
  if (announce && !announced) {
    announced = true;
    log("warn", `no native uWebSockets.js build loads on Node ${process.version} (${process.platform}-${process.arch}): serving on node:http`, {
      why: uws.failures,
      choose: "--server node (or TOLLGATE_SERVER=node) selects node:http without this note; --server uws refuses to start without uWS",
    });
  }
  return "node";
}
